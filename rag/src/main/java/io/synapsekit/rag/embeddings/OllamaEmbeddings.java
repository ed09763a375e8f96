package io.synapsekit.rag.embeddings;

import com.fasterxml.jackson.databind.JsonNode;
import io.synapsekit.internal.BuilderState;
import io.synapsekit.internal.Json;
import io.synapsekit.internal.OllamaServer;
import io.synapsekit.llm.http.HttpLLMBuilder;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Embeddings from an Ollama server's {@code /api/embed} endpoint.
 *
 * <pre>{@code
 * Embeddings embeddings = OllamaEmbeddings.builder().model("nomic-embed-text").build(); // localhost:11434
 * }</pre>
 *
 * <p>The server is found as {@code OllamaLLM} finds it: the base URL set, else the {@code OLLAMA_HOST} variable (a
 * host, a {@code host:port} or a URL), else {@code http://localhost:11434}; a key, from {@code .apiKey(…)} or
 * {@code OLLAMA_API_KEY}, goes as a bearer token. The builder is the chat models' ({@link HttpLLMBuilder}), and
 * requests go through their HTTP client: the same retries, limits and typed {@link io.synapsekit.llm.LLMException}s
 * with provider {@code "ollama"}; a 404 names the model to pull. Texts are sent in batches of {@code batchSize}
 * (default 64), one request after another; each is limited by {@code totalTimeout} (default 120 s: a model may have
 * to load first).
 *
 * <p>Immutable and thread-safe.
 */
public final class OllamaEmbeddings implements Embeddings {

    /** The environment variable naming the server. */
    public static final String HOST_VARIABLE = OllamaServer.HOST_VARIABLE;
    /** The model of {@link #builder()}. */
    public static final String DEFAULT_MODEL = "nomic-embed-text";

    private final HttpEmbeddings http;

    private OllamaEmbeddings(HttpEmbeddings http) {
        this.http = http;
    }

    /** Returns a builder. */
    public static Builder builder() {
        return new Builder(System::getenv);
    }

    @Override
    public List<float[]> embed(List<String> texts) {
        return http.embed(texts, body -> { }, this::vectors, root -> Json.integer(root, "prompt_eval_count"));
    }

    private List<float[]> vectors(JsonNode root, int count) {
        JsonNode vectors = root.get("embeddings");
        if (vectors == null || !vectors.isArray() || vectors.size() != count) {
            throw http.malformed("expected " + count + " vectors in \"embeddings\"", root);
        }
        List<float[]> out = new ArrayList<>(count);
        for (int i = 0; i < vectors.size(); i++) {
            out.add(http.vector(vectors.get(i), "embeddings[" + i + "]", root));
        }
        return out;
    }

    @Override
    public String toString() {
        return "OllamaEmbeddings[" + http + "]";
    }

    /**
     * Configures an {@link OllamaEmbeddings}: the settings every HTTP model client shares, plus the batch size. Not
     * thread-safe; {@link #build()} validates.
     */
    public static final class Builder extends HttpLLMBuilder<Builder> {
        private int batchSize = 64;

        Builder(Function<String, @Nullable String> environment) {
            HttpEmbeddings.defaults(this, environment, DEFAULT_MODEL, OllamaServer.DEFAULT_BASE_URL,
                    Duration.ofSeconds(120));
        }

        /** Sets how many texts go in one request; at least 1. Default 64. */
        public Builder batchSize(int batchSize) {
            this.batchSize = HttpEmbeddings.batchSize(batchSize, Integer.MAX_VALUE);
            return this;
        }

        /**
         * Returns the client.
         *
         * @throws IllegalArgumentException when {@value OllamaEmbeddings#HOST_VARIABLE} is not a host or URL
         */
        public OllamaEmbeddings build() {
            BuilderState state = BuilderState.of(this);
            String key = OllamaServer.apiKey(state);
            URI endpoint = URI.create(OllamaServer.baseUrl(state) + "/api/embed");
            return new OllamaEmbeddings(HttpEmbeddings.of(this, OllamaServer.NAME, key,
                    OllamaServer.authHeaders(key), endpoint, batchSize, OllamaServer.notFoundHint(state.model(),
                    endpoint)));
        }
    }
}
