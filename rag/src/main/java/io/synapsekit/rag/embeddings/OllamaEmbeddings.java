package io.synapsekit.rag.embeddings;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.synapsekit.http.spi.HttpTransport;
import io.synapsekit.http.spi.TransportOptions;
import io.synapsekit.internal.Json;
import io.synapsekit.internal.Transports;
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
 * Embeddings from a local Ollama server's {@code /api/embed} endpoint.
 *
 * <pre>{@code
 * Embeddings embeddings = OllamaEmbeddings.builder().model("nomic-embed-text").build(); // localhost:11434
 * }</pre>
 *
 * <p>The base URL is {@code http://localhost:11434}, or the {@code OLLAMA_HOST} variable (a host, a
 * {@code host:port} or a URL). Texts are sent in batches of {@code batchSize} (default 64), one request after
 * another; each is bounded by {@code timeout} (default 120 s: a model may have to load first). Errors are the LLM
 * clients' typed {@link io.synapsekit.llm.LLMException}s with provider {@code "ollama"}; a 404 names the model to
 * pull. Requests are not retried.
 *
 * <p>Immutable and thread-safe.
 */
public final class OllamaEmbeddings implements Embeddings {

    /** The environment variable naming the server. */
    public static final String HOST_VARIABLE = "OLLAMA_HOST";

    private final String model;
    private final URI endpoint;
    private final int batchSize;
    private final EmbeddingsHttp http;

    private OllamaEmbeddings(String model, URI endpoint, int batchSize, Duration timeout, HttpTransport transport) {
        this.model = model;
        this.endpoint = endpoint;
        this.batchSize = batchSize;
        this.http = new EmbeddingsHttp("ollama", transport, timeout, null);
    }

    /** Returns a builder. */
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
            Map<String, List<String>> headers = new LinkedHashMap<>();
            headers.put("Content-Type", List.of("application/json"));
            JsonNode root = http.post(endpoint, headers, body,
                    "model " + model + " not found at " + endpoint + "; run `ollama pull " + model + "`");
            JsonNode vectors = root.get("embeddings");
            if (vectors == null || !vectors.isArray() || vectors.size() != batch.size()) {
                throw new MalformedChunkException("ollama", "expected " + batch.size() + " vectors in \"embeddings\"",
                        root.toString(), PartialResult.EMPTY, null);
            }
            for (int i = 0; i < vectors.size(); i++) {
                out.add(http.vector(vectors.get(i), "embeddings[" + i + "]", root.toString()));
            }
        }
        return out;
    }

    @Override
    public String toString() {
        return "OllamaEmbeddings[model=" + model + ", endpoint=" + endpoint + ", batchSize=" + batchSize + "]";
    }

    /** Configures an {@link OllamaEmbeddings}. Not thread-safe; {@link #build()} validates. */
    public static final class Builder {
        private final Function<String, String> environment;
        private String model = "nomic-embed-text";
        private String baseUrl;
        private int batchSize = 64;
        private Duration timeout = Duration.ofSeconds(120);
        private HttpTransport transport;

        Builder(Function<String, String> environment) {
            this.environment = environment;
        }

        /** Sets the model, which must have been pulled. Default {@code nomic-embed-text}. */
        public Builder model(String model) {
            this.model = Objects.requireNonNull(model, "model");
            return this;
        }

        /** Sets the server's base URL, e.g. {@code http://localhost:11434}. */
        public Builder baseUrl(String baseUrl) {
            this.baseUrl = Objects.requireNonNull(baseUrl, "baseUrl");
            return this;
        }

        /** Sets how many texts go in one request; at least 1. Default 64. */
        public Builder batchSize(int batchSize) {
            this.batchSize = batchSize;
            return this;
        }

        /** Sets the limit on each request, from connecting to the last byte. Default 120 seconds. */
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
         * @throws IllegalArgumentException naming the setting out of range
         */
        public OllamaEmbeddings build() {
            if (batchSize < 1) {
                throw new IllegalArgumentException("batchSize must be at least 1: " + batchSize);
            }
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("timeout must be positive: " + timeout);
            }
            String base = baseUrl != null ? baseUrl : fromHost(environment.apply(HOST_VARIABLE));
            URI uri = URI.create(base.replaceAll("/+$", "") + "/api/embed");
            if (uri.getScheme() == null || !uri.getScheme().startsWith("http")) {
                throw new IllegalArgumentException("baseUrl must be an http or https URL: " + base);
            }
            HttpTransport t = transport != null ? transport : Transports.shared(TransportOptions.defaults());
            return new OllamaEmbeddings(model, uri, batchSize, timeout, t);
        }

        /** {@code OLLAMA_HOST} may be a URL, a host, or {@code host:port}; the port defaults to 11434. */
        static String fromHost(String host) {
            if (host == null || host.isBlank()) {
                return "http://localhost:11434";
            }
            String h = host.strip();
            if (h.startsWith("http://") || h.startsWith("https://")) {
                return h;
            }
            if (h.startsWith(":")) {
                h = "localhost" + h;
            }
            return "http://" + (h.contains(":") ? h : h + ":11434");
        }
    }
}
