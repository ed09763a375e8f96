package io.synapsekit.rag.embeddings;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.synapsekit.http.spi.HttpTransport;
import io.synapsekit.http.spi.TransportOptions;
import io.synapsekit.internal.Json;
import io.synapsekit.internal.Transports;
import io.synapsekit.llm.AuthenticationException;
import io.synapsekit.llm.MalformedChunkException;
import io.synapsekit.llm.PartialResult;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * Embeddings from OpenAI's {@code /v1/embeddings} endpoint, or any server that speaks it.
 *
 * <pre>{@code
 * Embeddings embeddings = OpenAIEmbeddings.builder().model("text-embedding-3-small").build(); // OPENAI_API_KEY
 * RAG rag = RAG.builder(llm).embeddings(embeddings).build();   // hybrid BM25 + vectors
 * }</pre>
 *
 * <p>Texts are sent in batches of {@code batchSize} (default 100), one request after another on the calling
 * thread. Each request is bounded by {@code timeout} (default 60 s). Errors are the LLM clients' typed
 * {@link io.synapsekit.llm.LLMException}s with provider {@code "openai"}; requests are not retried. The API key
 * never appears in messages or {@code toString()}.
 *
 * <p>Immutable and thread-safe.
 */
public final class OpenAIEmbeddings implements Embeddings {

    /** The environment variable read for the API key. */
    public static final String API_KEY_VARIABLE = "OPENAI_API_KEY";

    private final String model;
    private final URI endpoint;
    private final String apiKey;
    private final int batchSize;
    private final Integer dimensions;
    private final EmbeddingsHttp http;

    private OpenAIEmbeddings(Builder b, String apiKey, HttpTransport transport) {
        this.model = b.model;
        this.endpoint = URI.create(b.baseUrl.replaceAll("/+$", "") + "/embeddings");
        this.apiKey = apiKey;
        this.batchSize = b.batchSize;
        this.dimensions = b.dimensions;
        this.http = new EmbeddingsHttp("openai", transport, b.timeout, apiKey);
    }

    /** Returns a builder; the key comes from {@value #API_KEY_VARIABLE} unless set. */
    public static Builder builder() {
        return new Builder(System::getenv);
    }

    @Override
    public List<float[]> embed(List<String> texts) {
        EmbeddingsHttp.requireText(texts);
        List<float[]> out = new ArrayList<>(texts.size());
        for (List<String> batch : EmbeddingsHttp.batches(texts, batchSize)) {
            ObjectNode body = Json.object().put("model", model);
            batch.forEach(body.putArray("input")::add);
            body.put("encoding_format", "float");
            if (dimensions != null) {
                body.put("dimensions", dimensions);
            }
            Map<String, List<String>> headers = new LinkedHashMap<>();
            headers.put("Content-Type", List.of("application/json"));
            headers.put("Authorization", List.of("Bearer " + apiKey));
            JsonNode root = http.post(endpoint, headers, body, "model " + model + " at " + endpoint);
            JsonNode data = root.get("data");
            if (data == null || !data.isArray() || data.size() != batch.size()) {
                throw new MalformedChunkException("openai", "expected " + batch.size() + " embeddings in \"data\"",
                        root.toString(), PartialResult.EMPTY, null);
            }
            float[][] ordered = new float[batch.size()][];
            for (int i = 0; i < data.size(); i++) {
                JsonNode item = data.get(i);
                int index = item.path("index").asInt(i); // OpenAI sends the input's index; trust it over order
                if (index < 0 || index >= ordered.length || ordered[index] != null) {
                    throw new MalformedChunkException("openai", "embedding index " + index + " out of place",
                            root.toString(), PartialResult.EMPTY, null);
                }
                ordered[index] = http.vector(item.get("embedding"), "data[" + i + "].embedding", root.toString());
            }
            out.addAll(List.of(ordered));
        }
        return out;
    }

    @Override
    public String toString() {
        return "OpenAIEmbeddings[model=" + model + ", endpoint=" + endpoint + ", batchSize=" + batchSize + "]";
    }

    /** Configures an {@link OpenAIEmbeddings}. Not thread-safe; {@link #build()} validates. */
    public static final class Builder {
        private final Function<String, String> environment;
        private String model = "text-embedding-3-small";
        private String baseUrl = "https://api.openai.com/v1";
        private String apiKey;
        private int batchSize = 100;
        private Integer dimensions;
        private Duration timeout = Duration.ofSeconds(60);
        private HttpTransport transport;

        Builder(Function<String, String> environment) {
            this.environment = environment;
        }

        /** Sets the model. Default {@code text-embedding-3-small}. */
        public Builder model(String model) {
            this.model = Objects.requireNonNull(model, "model");
            return this;
        }

        /** Sets the base URL, up to and including {@code /v1}. Default {@code https://api.openai.com/v1}. */
        public Builder baseUrl(String baseUrl) {
            this.baseUrl = Objects.requireNonNull(baseUrl, "baseUrl");
            return this;
        }

        /** Sets the API key. Default: the {@value #API_KEY_VARIABLE} environment variable. */
        public Builder apiKey(String apiKey) {
            this.apiKey = Objects.requireNonNull(apiKey, "apiKey");
            return this;
        }

        /** Sets how many texts go in one request; 1 to 2048. Default 100. */
        public Builder batchSize(int batchSize) {
            this.batchSize = batchSize;
            return this;
        }

        /** Asks the model for shorter vectors (the {@code text-embedding-3} models support it). */
        public Builder dimensions(int dimensions) {
            this.dimensions = dimensions;
            return this;
        }

        /** Sets the limit on each request, from connecting to the last byte. Default 60 seconds. */
        public Builder timeout(Duration timeout) {
            this.timeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        /** Sets the HTTP transport. Default: the shared one found on the class or module path. */
        public Builder transport(HttpTransport transport) {
            this.transport = Objects.requireNonNull(transport, "transport");
            return this;
        }

        /**
         * Returns the client.
         *
         * @throws AuthenticationException when no API key is set or found
         * @throws IllegalArgumentException naming the setting out of range
         */
        public OpenAIEmbeddings build() {
            String key = apiKey != null ? apiKey : environment.apply(API_KEY_VARIABLE);
            if (key == null || key.isBlank()) {
                throw new AuthenticationException("openai", 0,
                        "no API key; set " + API_KEY_VARIABLE + " or call .apiKey(…)", null);
            }
            if (batchSize < 1 || batchSize > 2048) {
                throw new IllegalArgumentException("batchSize must be between 1 and 2048: " + batchSize);
            }
            if (dimensions != null && dimensions < 1) {
                throw new IllegalArgumentException("dimensions must be positive: " + dimensions);
            }
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("timeout must be positive: " + timeout);
            }
            URI base = URI.create(baseUrl);
            if (base.getScheme() == null || !base.getScheme().startsWith("http")) {
                throw new IllegalArgumentException("baseUrl must be an http or https URL: " + baseUrl);
            }
            HttpTransport t = transport != null ? transport : Transports.shared(TransportOptions.defaults());
            return new OpenAIEmbeddings(this, key, t);
        }
    }
}
