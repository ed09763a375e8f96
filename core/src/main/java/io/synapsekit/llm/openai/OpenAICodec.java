package io.synapsekit.llm.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.synapsekit.http.spi.TransportResponse;
import io.synapsekit.internal.EventDecoder;
import io.synapsekit.internal.Json;
import io.synapsekit.internal.ProviderCodec;
import io.synapsekit.internal.StreamContext;
import io.synapsekit.llm.ChatMessage;
import io.synapsekit.llm.GenerateOptions;
import java.net.URI;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The Chat Completions wire format: a {@code POST {baseUrl}/chat/completions} with {@code stream: true} and
 * {@code stream_options.include_usage}, answered with SSE {@code data:} chunks ending in {@code data: [DONE]}.
 */
final class OpenAICodec implements ProviderCodec {

    static final String PROVIDER = "openai";

    private final URI endpoint;
    private final String model;
    private final Map<String, String> headers;
    private final String maxTokensField;
    private final boolean streamUsage;

    /**
     * How one OpenAI-compatible server differs on the wire.
     *
     * @param provider the short name used in errors and logs
     * @param endpoint the full URL requests are posted to
     * @param authHeader the header the key goes in ({@code Authorization} or Azure's {@code api-key})
     * @param bearer whether the key is sent as {@code Bearer <key>}
     * @param streamUsage whether to send {@code stream_options.include_usage}; some servers reject the field
     * @param maxTokensField the body field that carries the answer's token limit
     */
    record Wire(String provider, URI endpoint, String authHeader, boolean bearer, boolean streamUsage,
            String maxTokensField) {
    }

    OpenAICodec(Wire wire, String model, String apiKey, String organization, String project) {
        this.endpoint = wire.endpoint();
        this.model = model;
        this.maxTokensField = wire.maxTokensField();
        this.streamUsage = wire.streamUsage();
        Map<String, String> h = new LinkedHashMap<>();
        h.put("Accept", "text/event-stream");
        if (apiKey != null) {
            h.put(wire.authHeader(), wire.bearer() ? "Bearer " + apiKey : apiKey);
        }
        if (organization != null) {
            h.put("OpenAI-Organization", organization);
        }
        if (project != null) {
            h.put("OpenAI-Project", project);
        }
        this.headers = Collections.unmodifiableMap(h);
    }

    @Override
    public Map<String, String> headers() {
        return headers;
    }

    @Override
    public URI endpoint(GenerateOptions options) {
        return endpoint;
    }

    @Override
    public String notFoundHint(GenerateOptions options) {
        return "check the model \"" + options.model().orElse(model) + "\" and the URL " + endpoint;
    }

    @Override
    public ObjectNode body(List<ChatMessage> messages, GenerateOptions options) {
        if (messages.isEmpty() && options.systemPrompt().isEmpty()) {
            throw new IllegalArgumentException("messages must not be empty");
        }
        ObjectNode body = Json.object();
        body.put("model", options.model().orElse(model));
        ArrayNode msgs = body.putArray("messages");
        options.systemPrompt().ifPresent(s -> msgs.addObject().put("role", "system").put("content", s));
        for (ChatMessage m : messages) {
            msgs.addObject().put("role", m.role().name().toLowerCase(Locale.ROOT)).put("content", m.content());
        }
        body.put("stream", true);
        if (streamUsage) {
            body.putObject("stream_options").put("include_usage", true);
        }
        options.temperature().ifPresent(t -> body.put("temperature", t));
        options.topP().ifPresent(p -> body.put("top_p", p));
        options.maxTokens().ifPresent(n -> body.put(maxTokensField, n));
        if (!options.stop().isEmpty()) {
            ArrayNode stop = body.putArray("stop");
            options.stop().forEach(stop::add);
        }
        if (!options.tools().isEmpty()) {
            body.set("tools", Json.functionTools(options.tools()));
        }
        options.extraBody().forEach((k, v) -> body.set(k, Json.MAPPER.valueToTree(v)));
        return body;
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
    static void content(JsonNode content, java.util.function.Consumer<String> text,
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
