package io.synapsekit.llm.openai;

import com.fasterxml.jackson.databind.JsonNode;
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
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * The Chat Completions wire format: a {@code POST {baseUrl}/chat/completions} with {@code stream: true} and
 * {@code stream_options.include_usage}, answered with SSE {@code data:} chunks ending in {@code data: [DONE]}.
 */
final class OpenAICodec implements ProviderCodec {

    private final URI endpoint;
    private final String maxTokensField;
    private final boolean streamUsage;

    /**
     * Creates the codec of one server.
     *
     * @param endpoint the full URL requests are posted to
     * @param streamUsage whether to send {@code stream_options.include_usage}; some servers reject the field
     * @param maxTokensField the body field that carries the answer's token limit
     */
    OpenAICodec(URI endpoint, boolean streamUsage, String maxTokensField) {
        this.endpoint = endpoint;
        this.maxTokensField = maxTokensField;
        this.streamUsage = streamUsage;
    }

    @Override
    public URI endpoint(String model) {
        return endpoint;
    }

    @Override
    public ObjectNode body(String model, List<ChatMessage> messages, GenerateOptions options) {
        ObjectNode body = ChatBody.withMessages(model, messages, options, OpenAICodec::toolTurn);
        if (streamUsage) {
            body.putObject("stream_options").put("include_usage", true);
        }
        ChatBody.sampling(body, options, "top_p", maxTokensField, "stop");
        if (!options.tools().isEmpty()) {
            body.set("tools", ChatBody.functionTools(options.tools()));
        }
        options.responseSchema().ifPresent(r -> body.putObject("response_format").put("type", "json_schema")
                .putObject("json_schema").put("name", r.name()).set("schema", ChatBody.schema(r)));
        return ChatBody.extraBody(body, options, false);
    }

    /**
     * Writes an assistant turn with its {@code tool_calls} (each with its id, {@code "type": "function"} and the
     * arguments as a JSON string, as the API returned them) or a {@code "role": "tool"} result with its
     * {@code tool_call_id}. An assistant turn without text sends {@code "content": null}, as the API returns it.
     */
    private static void toolTurn(ObjectNode target, ChatMessage m, LLMEvent.@Nullable ToolCall call) {
        if (m.role() == ChatMessage.Role.TOOL) {
            target.put("role", "tool").put("tool_call_id", m.toolCallId().isEmpty() && call != null ? call.id()
                    : m.toolCallId()).put("content", m.content());
            return;
        }
        target.put("role", "assistant");
        if (m.content().isEmpty()) {
            target.putNull("content");
        } else {
            target.put("content", m.content());
        }
        ArrayNode calls = target.putArray("tool_calls");
        for (LLMEvent.ToolCall c : m.toolCalls()) {
            calls.addObject().put("id", c.id()).put("type", "function").putObject("function").put("name", c.name())
                    .put("arguments", c.arguments());
        }
    }

    @Override
    public EventDecoder decoder(TransportResponse response, StreamContext context) {
        String type = response.header("content-type").orElse("").toLowerCase(Locale.ROOT);
        if (type.startsWith("application/json")) {
            // A server that ignores "stream": true answers with one complete JSON completion.
            return new OpenAICompletionDecoder(response.body(), context);
        }
        return new OpenAIStreamDecoder(response.body(), context, type);
    }

    /** Decodes one chat completion chunk's or message's content field, which may be a string or parts. */
    static void content(@Nullable JsonNode content, java.util.function.Consumer<String> text,
            java.util.function.Consumer<String> thinking) {
        if (content == null || content.isNull()) {
            return;
        }
        if (content.isTextual()) {
            if (!content.asText().isEmpty()) {
                text.accept(content.asText());
            }
            return;
        }
        if (content.isArray()) { // content parts, as Mistral's reasoning models send them
            for (JsonNode part : content) {
                String partType = Json.text(part, "type");
                if ("text".equals(partType) && Json.text(part, "text") != null && !part.get("text").asText().isEmpty()) {
                    text.accept(part.get("text").asText());
                } else if ("thinking".equals(partType)) {
                    JsonNode th = part.get("thinking");
                    if (th != null && th.isTextual()) {
                        thinking.accept(th.asText());
                    } else if (th != null && th.isArray()) {
                        for (JsonNode t : th) {
                            String s = Json.text(t, "text");
                            if (s != null && !s.isEmpty()) {
                                thinking.accept(s);
                            }
                        }
                    }
                }
            }
        }
    }
}
