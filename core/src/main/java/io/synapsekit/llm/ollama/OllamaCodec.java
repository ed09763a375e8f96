package io.synapsekit.llm.ollama;

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
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Ollama's native chat wire format: a {@code POST {baseUrl}/api/chat} with {@code stream: true}, answered with
 * newline-delimited JSON. Sampling settings go in {@code options} ({@code temperature}, {@code top_p},
 * {@code num_predict}, {@code stop}).
 */
final class OllamaCodec implements ProviderCodec {

    static final String PROVIDER = "ollama";

    private final URI endpoint;
    private final String model;
    private final Map<String, String> headers;

    OllamaCodec(String baseUrl, String model, String apiKey) {
        this.endpoint = URI.create(baseUrl + "/api/chat");
        this.model = model;
        this.headers = apiKey == null ? Map.of("Accept", "application/x-ndjson")
                : Map.of("Accept", "application/x-ndjson", "Authorization", "Bearer " + apiKey);
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
        String m = options.model().orElse(model);
        return "is the model \"" + m + "\" pulled? run `ollama pull " + m + "` on the server at " + endpoint;
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
        ObjectNode opts = Json.object();
        options.temperature().ifPresent(t -> opts.put("temperature", t));
        options.topP().ifPresent(p -> opts.put("top_p", p));
        options.maxTokens().ifPresent(n -> opts.put("num_predict", n));
        if (!options.stop().isEmpty()) {
            ArrayNode stop = opts.putArray("stop");
            options.stop().forEach(stop::add);
        }
        if (!opts.isEmpty()) {
            body.set("options", opts);
        }
        if (!options.tools().isEmpty()) {
            body.set("tools", Json.functionTools(options.tools()));
        }
        options.extraBody().forEach((k, v) -> body.set(k, Json.MAPPER.valueToTree(v)));
        return body;
    }

    @Override
    public EventDecoder decoder(TransportResponse response, StreamContext context) {
        return new OllamaStreamDecoder(response.body(), context);
    }
}
