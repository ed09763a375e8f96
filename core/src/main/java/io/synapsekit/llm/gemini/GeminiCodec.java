package io.synapsekit.llm.gemini;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.synapsekit.http.spi.TransportResponse;
import io.synapsekit.internal.ChatBody;
import io.synapsekit.internal.EventDecoder;
import io.synapsekit.internal.Json;
import io.synapsekit.internal.ProviderCodec;
import io.synapsekit.internal.StreamContext;
import io.synapsekit.llm.ChatMessage;
import io.synapsekit.llm.GenerateOptions;
import io.synapsekit.llm.LLMEvent;
import java.net.URI;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The Gemini wire format: a {@code POST {baseUrl}/models/{model}:streamGenerateContent?alt=sse}, answered with
 * SSE {@code data:} events, each a whole {@code GenerateContentResponse}, and no end sentinel.
 */
final class GeminiCodec implements ProviderCodec {

    static final String PROVIDER = "gemini";

    private final String baseUrl;

    GeminiCodec(String baseUrl) {
        this.baseUrl = baseUrl;
    }

    /** Returns Gemini's headers; the key goes in one, not in {@code ?key=}, so that it stays out of URLs and logs. */
    static Map<String, String> headers(@Nullable String apiKey) {
        return apiKey == null ? Map.of("Accept", "text/event-stream")
                : Map.of("Accept", "text/event-stream", "x-goog-api-key", apiKey);
    }

    /** Returns the streaming URL for {@code model}; {@code models/x} and {@code tunedModels/x} names are kept. */
    @Override
    public URI endpoint(String model) {
        if (model.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            throw new IllegalArgumentException("gemini: the model name must not contain control characters");
        }
        String name = model.contains("/") ? model : "models/" + model;
        StringBuilder path = new StringBuilder();
        for (String segment : name.split("/", -1)) {
            path.append('/').append(pathSegment(segment));
        }
        return URI.create(baseUrl + path + ":streamGenerateContent?alt=sse");
    }

    /**
     * Percent-encodes one path segment, so that a model name holding {@code ?}, {@code #} or {@code :} stays a
     * name and cannot change the URL's query or the method after the colon.
     */
    static String pathSegment(String segment) {
        StringBuilder out = new StringBuilder(segment.length());
        for (byte b : segment.getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.'
                    || c == '_' || c == '~') {
                out.append((char) c);
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            }
        }
        return out.toString();
    }

    @Override
    public ObjectNode body(String model, List<ChatMessage> messages, GenerateOptions options) {
        ObjectNode body = Json.object();
        ArrayNode contents = body.putArray("contents");
        String system = ChatBody.conversation(messages, options, (m, call) -> content(contents, m, call));
        if (system != null) {
            body.putObject("systemInstruction").putArray("parts").addObject().put("text", system);
        }
        ObjectNode config = Json.object();
        ChatBody.sampling(config, options, "topP", "maxOutputTokens", "stopSequences");
        options.responseSchema().ifPresent(r -> config.put("responseMimeType", "application/json")
                .set("responseSchema", ChatBody.openApiSchema(ChatBody.schema(r))));
        if (!config.isEmpty()) {
            body.set("generationConfig", config);
        }
        if (!options.tools().isEmpty()) {
            body.putArray("tools").addObject().set("functionDeclarations",
                    ChatBody.tools(options.tools(), "parameters"));
        }
        return ChatBody.extraBody(body, options, true);
    }

    /**
     * Adds one turn: text as a {@code text} part; a model turn with tool calls as its text part and one
     * {@code functionCall} part per call; a tool result as a {@code functionResponse} part in a user turn, named
     * after the call it answers, the results of one step sharing that turn. A call's {@code id} is sent back only
     * when the model gave one.
     */
    private static void content(ArrayNode contents, ChatMessage m, LLMEvent.@Nullable ToolCall call) {
        switch (m.role()) {
            case TOOL -> {
                if (call == null) {
                    throw new IllegalArgumentException("gemini: the tool result for call '" + m.toolCallId()
                            + "' follows no model turn with that call; Gemini needs the function's name");
                }
                ArrayNode parts;
                if (contents.size() > 0 && contents.get(contents.size() - 1) instanceof ObjectNode last
                        && "user".equals(last.path("role").asText()) && last.get("parts") instanceof ArrayNode p
                        && p.size() > 0 && p.get(0).has("functionResponse")) {
                    parts = p;
                } else {
                    parts = contents.addObject().put("role", "user").putArray("parts");
                }
                ObjectNode response = parts.addObject().putObject("functionResponse");
                if (!call.id().isEmpty()) {
                    response.put("id", call.id());
                }
                response.put("name", call.name());
                // Gemini documents "output" for a function's result and "error" for its failure.
                response.putObject("response").set(m.toolError() ? "error" : "output",
                        ChatBody.resultValue(m.content()));
            }
            case ASSISTANT -> {
                ArrayNode parts = contents.addObject().put("role", "model").putArray("parts");
                if (!m.content().isEmpty() || !m.hasToolCalls()) {
                    parts.addObject().put("text", m.content());
                }
                for (LLMEvent.ToolCall c : m.toolCalls()) {
                    ObjectNode fc = parts.addObject().putObject("functionCall");
                    if (!c.id().isEmpty()) {
                        fc.put("id", c.id());
                    }
                    fc.put("name", c.name()).set("args", ChatBody.arguments(c));
                }
            }
            default -> contents.addObject().put("role", "user").putArray("parts").addObject()
                    .put("text", m.content());
        }
    }

    @Override
    public EventDecoder decoder(TransportResponse response, StreamContext context) {
        return new GeminiStreamDecoder(response.body(), context);
    }
}
