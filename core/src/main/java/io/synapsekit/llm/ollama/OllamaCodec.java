package io.synapsekit.llm.ollama;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.synapsekit.http.spi.TransportRequest;
import io.synapsekit.http.spi.TransportResponse;
import io.synapsekit.internal.EventDecoder;
import io.synapsekit.internal.Json;
import io.synapsekit.internal.ProviderCodec;
import io.synapsekit.internal.StreamContext;
import io.synapsekit.llm.ChatMessage;
import io.synapsekit.llm.GenerateOptions;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
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
    private final String apiKey;
    private final Map<String, List<String>> headers;

    OllamaCodec(String baseUrl, String model, String apiKey, Map<String, String> extraHeaders) {
        this.endpoint = URI.create(baseUrl + "/api/chat");
        this.model = model;
        this.apiKey = apiKey;
        Map<String, List<String>> h = new LinkedHashMap<>();
        h.put("Content-Type", List.of("application/json"));
        h.put("Accept", List.of("application/x-ndjson"));
        h.put("User-Agent", List.of("synapsekit-java/0.1"));
        if (apiKey != null) {
            h.put("Authorization", List.of("Bearer " + apiKey));
        }
        extraHeaders.forEach((name, value) -> h.put(name, List.of(value)));
        this.headers = Map.copyOf(h);
    }

    URI endpoint() {
        return endpoint;
    }

    @Override
    public String provider() {
        return PROVIDER;
    }

    @Override
    public String secret() {
        return apiKey;
    }

    @Override
    public String notFoundHint(GenerateOptions options) {
        String m = options.model().orElse(model);
        return "is the model \"" + m + "\" pulled? run `ollama pull " + m + "` on the server at " + endpoint;
    }

    @Override
    public TransportRequest encode(List<ChatMessage> messages, GenerateOptions options, Duration headersTimeout) {
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
        return new TransportRequest("POST", endpoint, headers, Json.bytes(body), headersTimeout);
    }

    @Override
    public EventDecoder decoder(TransportResponse response, StreamContext context) {
        return new OllamaStreamDecoder(response.body(), context);
    }
}
