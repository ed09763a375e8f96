package io.synapsekit.llm.anthropic;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.synapsekit.http.spi.TransportResponse;
import io.synapsekit.internal.EventDecoder;
import io.synapsekit.internal.Json;
import io.synapsekit.internal.ProviderCodec;
import io.synapsekit.internal.StreamContext;
import io.synapsekit.llm.ChatMessage;
import io.synapsekit.llm.GenerateOptions;
import io.synapsekit.llm.ToolSpec;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The Messages wire format: a {@code POST {baseUrl}/v1/messages} with {@code stream: true}, answered with named
 * SSE events from {@code message_start} to {@code message_stop}.
 */
final class AnthropicCodec implements ProviderCodec {

    static final String PROVIDER = "anthropic";
    static final String API_VERSION = "2023-06-01";

    private final URI endpoint;
    private final String model;
    private final int maxTokens;
    private final Map<String, String> headers;

    AnthropicCodec(String baseUrl, String model, String apiKey, int maxTokens) {
        this.endpoint = URI.create(baseUrl + "/v1/messages");
        this.model = model;
        this.maxTokens = maxTokens;
        this.headers = apiKey == null ? Map.of("Accept", "text/event-stream", "anthropic-version", API_VERSION)
                : Map.of("Accept", "text/event-stream", "anthropic-version", API_VERSION, "x-api-key", apiKey);
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
        ObjectNode body = Json.object();
        body.put("model", options.model().orElse(model));
        body.put("max_tokens", options.maxTokens().orElse(maxTokens));
        // Anthropic has no system role inside messages: every system text goes to the top-level field.
        List<String> system = new ArrayList<>();
        options.systemPrompt().ifPresent(system::add);
        ArrayNode msgs = Json.MAPPER.createArrayNode();
        for (ChatMessage m : messages) {
            switch (m.role()) {
                case SYSTEM -> system.add(m.content());
                case USER -> msgs.addObject().put("role", "user").put("content", m.content());
                case ASSISTANT -> msgs.addObject().put("role", "assistant").put("content", m.content());
            }
        }
        if (msgs.isEmpty()) {
            throw new IllegalArgumentException("messages must hold at least one user or assistant turn");
        }
        if (!system.isEmpty()) {
            body.put("system", String.join("\n\n", system));
        }
        body.set("messages", msgs);
        body.put("stream", true);
        options.temperature().ifPresent(t -> body.put("temperature", t));
        options.topP().ifPresent(p -> body.put("top_p", p));
        if (!options.stop().isEmpty()) {
            ArrayNode stop = body.putArray("stop_sequences");
            options.stop().forEach(stop::add);
        }
        if (!options.tools().isEmpty()) {
            ArrayNode tools = body.putArray("tools");
            for (ToolSpec t : options.tools()) {
                ObjectNode tool = tools.addObject().put("name", t.name());
                if (!t.description().isEmpty()) {
                    tool.put("description", t.description());
                }
                tool.set("input_schema", Json.schema(t));
            }
        }
        options.extraBody().forEach((k, v) -> body.set(k, Json.MAPPER.valueToTree(v)));
        return body;
    }

    @Override
    public EventDecoder decoder(TransportResponse response, StreamContext context) {
        return new AnthropicStreamDecoder(response.body(), context);
    }
}
