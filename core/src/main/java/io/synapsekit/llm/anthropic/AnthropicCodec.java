package io.synapsekit.llm.anthropic;

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
import java.net.URI;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The Messages wire format: a {@code POST {baseUrl}/v1/messages} with {@code stream: true}, answered with named
 * SSE events from {@code message_start} to {@code message_stop}.
 */
final class AnthropicCodec implements ProviderCodec {

    static final String PROVIDER = "anthropic";
    static final String API_VERSION = "2023-06-01";

    private final URI endpoint;
    private final int maxTokens;

    AnthropicCodec(String baseUrl, int maxTokens) {
        this.endpoint = URI.create(baseUrl + "/v1/messages");
        this.maxTokens = maxTokens;
    }

    /** Returns Anthropic's headers: its API version, and the key when there is one. */
    static Map<String, String> headers(@Nullable String apiKey) {
        return apiKey == null ? Map.of("Accept", "text/event-stream", "anthropic-version", API_VERSION)
                : Map.of("Accept", "text/event-stream", "anthropic-version", API_VERSION, "x-api-key", apiKey);
    }

    @Override
    public URI endpoint(String model) {
        return endpoint;
    }

    @Override
    public ObjectNode body(String model, List<ChatMessage> messages, GenerateOptions options) {
        ObjectNode body = Json.object().put("model", model).put("max_tokens", options.maxTokens().orElse(maxTokens));
        // Anthropic has no system role inside messages: every system text goes to the top-level field.
        ArrayNode turns = Json.MAPPER.createArrayNode();
        String system = ChatBody.turns(messages, options, (role, text) -> turns.addObject()
                .put("role", role == ChatMessage.Role.USER ? "user" : "assistant").put("content", text));
        if (system != null) {
            body.put("system", system);
        }
        body.set("messages", turns);
        body.put("stream", true);
        ChatBody.sampling(body, options, "top_p", null, "stop_sequences");
        if (!options.tools().isEmpty()) {
            body.set("tools", ChatBody.tools(options.tools(), "input_schema"));
        }
        return ChatBody.extraBody(body, options, false);
    }

    @Override
    public EventDecoder decoder(TransportResponse response, StreamContext context) {
        return new AnthropicStreamDecoder(response.body(), context);
    }
}
