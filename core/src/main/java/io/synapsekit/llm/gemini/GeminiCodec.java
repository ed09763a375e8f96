package io.synapsekit.llm.gemini;

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
import io.synapsekit.llm.ToolSpec;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The Gemini wire format: a {@code POST {baseUrl}/models/{model}:streamGenerateContent?alt=sse}, answered with
 * SSE {@code data:} events, each a whole {@code GenerateContentResponse}, and no end sentinel.
 */
final class GeminiCodec implements ProviderCodec {

    static final String PROVIDER = "gemini";

    private final String baseUrl;
    private final String model;
    private final Map<String, String> headers;

    GeminiCodec(String baseUrl, String model, String apiKey) {
        this.baseUrl = baseUrl;
        this.model = model;
        // The key goes in a header, not ?key=, so that it stays out of URLs and logs.
        this.headers = apiKey == null ? Map.of("Accept", "text/event-stream")
                : Map.of("Accept", "text/event-stream", "x-goog-api-key", apiKey);
    }

    @Override
    public Map<String, String> headers() {
        return headers;
    }

    @Override
    public URI endpoint(GenerateOptions options) {
        return endpoint(options.model().orElse(model));
    }

    /** Returns the streaming URL for {@code model}; {@code models/x} and {@code tunedModels/x} names are kept. */
    URI endpoint(String model) {
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
    public String notFoundHint(GenerateOptions options) {
        String m = options.model().orElse(model);
        return "check the model \"" + m + "\" and the URL " + endpoint(m);
    }

    @Override
    public ObjectNode body(List<ChatMessage> messages, GenerateOptions options) {
        ObjectNode body = Json.object();
        List<String> system = new ArrayList<>();
        options.systemPrompt().ifPresent(system::add);
        ArrayNode contents = Json.MAPPER.createArrayNode();
        for (ChatMessage m : messages) {
            switch (m.role()) {
                case SYSTEM -> system.add(m.content());
                case USER -> content(contents, "user", m.content());
                case ASSISTANT -> content(contents, "model", m.content());
            }
        }
        if (contents.isEmpty()) {
            throw new IllegalArgumentException("messages must hold at least one user or assistant turn");
        }
        body.set("contents", contents);
        if (!system.isEmpty()) {
            body.putObject("systemInstruction").putArray("parts").addObject().put("text", String.join("\n\n", system));
        }
        ObjectNode config = Json.object();
        options.temperature().ifPresent(t -> config.put("temperature", t));
        options.topP().ifPresent(p -> config.put("topP", p));
        options.maxTokens().ifPresent(n -> config.put("maxOutputTokens", n));
        if (!options.stop().isEmpty()) {
            ArrayNode stop = config.putArray("stopSequences");
            options.stop().forEach(stop::add);
        }
        if (!config.isEmpty()) {
            body.set("generationConfig", config);
        }
        if (!options.tools().isEmpty()) {
            ArrayNode declarations = body.putArray("tools").addObject().putArray("functionDeclarations");
            for (ToolSpec t : options.tools()) {
                ObjectNode fn = declarations.addObject().put("name", t.name());
                if (!t.description().isEmpty()) {
                    fn.put("description", t.description());
                }
                fn.set("parameters", Json.schema(t));
            }
        }
        options.extraBody().forEach((k, v) -> {
            JsonNode value = Json.MAPPER.valueToTree(v);
            JsonNode existing = body.get(k);
            // Merged into an object we set (generationConfig), so thinkingConfig can be added without losing
            // temperature or maxOutputTokens; extra fields win.
            if (existing instanceof ObjectNode target && value instanceof ObjectNode extra) {
                target.setAll(extra);
            } else {
                body.set(k, value);
            }
        });
        return body;
    }

    private static void content(ArrayNode contents, String role, String text) {
        contents.addObject().put("role", role).putArray("parts").addObject().put("text", text);
    }

    @Override
    public EventDecoder decoder(TransportResponse response, StreamContext context) {
        return new GeminiStreamDecoder(response.body(), context);
    }
}
