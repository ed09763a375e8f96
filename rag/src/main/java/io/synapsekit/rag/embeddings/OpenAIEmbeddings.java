package io.synapsekit.rag.embeddings;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.synapsekit.internal.BuilderState;
import io.synapsekit.internal.HttpErrors;
import io.synapsekit.internal.Json;
import io.synapsekit.internal.OpenAIServer;
import io.synapsekit.llm.AuthenticationException;
import io.synapsekit.llm.http.HttpLLMBuilder;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Embeddings from OpenAI's {@code /v1/embeddings} endpoint, or any server that serves it: the presets below, the
 * same servers as {@code OpenAICompatible}'s where they serve embeddings, or any other with {@code .baseUrl(…)}.
 *
 * <pre>{@code
 * Embeddings embeddings = OpenAIEmbeddings.builder().model("text-embedding-3-small").build(); // OPENAI_API_KEY
 * Embeddings mistral = OpenAIEmbeddings.mistral("mistral-embed").build();                     // MISTRAL_API_KEY
 * RAG rag = RAG.builder(llm).embeddings(embeddings).build();   // hybrid BM25 + vectors
 * }</pre>
 *
 * <p>The builder is the chat models' ({@link HttpLLMBuilder}): the same key, base URL, header, time-limit, retry
 * and rate-limit settings, sent through the same HTTP client, so errors are the same typed
 * {@link io.synapsekit.llm.LLMException}s, named after the server ({@code "openai"}, {@code "mistral"}…). Texts are
 * sent in batches of {@code batchSize} (default 100), one request after another on the calling thread; each
 * request is limited by {@code totalTimeout} (default 60 s). The API key never appears in messages or
 * {@code toString()}.
 *
 * <p>Immutable and thread-safe.
 */
public final class OpenAIEmbeddings implements Embeddings {

    /** The environment variable read for OpenAI's API key. */
    public static final String API_KEY_VARIABLE = "OPENAI_API_KEY";
    /** The model of {@link #builder()}. */
    public static final String DEFAULT_MODEL = "text-embedding-3-small";

    private final @Nullable Integer dimensions;
    private final HttpEmbeddings http;

    private OpenAIEmbeddings(@Nullable Integer dimensions, HttpEmbeddings http) {
        this.dimensions = dimensions;
        this.http = http;
    }

    /** Returns a builder for OpenAI; the key comes from {@value #API_KEY_VARIABLE} unless set. */
    public static Builder builder() {
        return new Builder(System::getenv, OpenAIServer.OPENAI).model(DEFAULT_MODEL);
    }

    /** Returns a builder for Mistral ({@code https://api.mistral.ai/v1}, key {@code MISTRAL_API_KEY}). */
    public static Builder mistral(String model) {
        return builder(OpenAIServer.MISTRAL, model);
    }

    /** Returns a builder for Together AI ({@code https://api.together.xyz/v1}, key {@code TOGETHER_API_KEY}). */
    public static Builder together(String model) {
        return builder(OpenAIServer.TOGETHER, model);
    }

    /**
     * Returns a builder for Fireworks AI ({@code https://api.fireworks.ai/inference/v1}, key
     * {@code FIREWORKS_API_KEY}).
     */
    public static Builder fireworks(String model) {
        return builder(OpenAIServer.FIREWORKS, model);
    }

    /** Returns a builder for a local vLLM server ({@code http://localhost:8000/v1}, key {@code VLLM_API_KEY}). */
    public static Builder vllm(String model) {
        return builder(OpenAIServer.VLLM, model);
    }

    /** Returns a builder for LM Studio's local server ({@code http://localhost:1234/v1}); no key. */
    public static Builder lmStudio(String model) {
        return builder(OpenAIServer.LM_STUDIO, model);
    }

    /**
     * Returns a builder for llama.cpp's {@code llama-server} ({@code http://localhost:8080/v1}, key
     * {@code LLAMA_API_KEY}), started with {@code --embeddings}.
     */
    public static Builder llamaCpp(String model) {
        return builder(OpenAIServer.LLAMA_CPP, model);
    }

    /**
     * Returns a builder for Azure OpenAI's v1 API ({@code {endpoint}/openai/v1/embeddings}), which takes the
     * deployment name as the model; the key, from {@code AZURE_OPENAI_API_KEY}, goes as a bearer token.
     *
     * @param resource the resource name ({@code my-resource} for {@code https://my-resource.openai.azure.com}) or
     *     the resource's endpoint URL
     * @param deployment the embedding model's deployment name
     */
    public static Builder azure(String resource, String deployment) {
        return builder(OpenAIServer.azure(resource), deployment);
    }

    /**
     * Returns a builder for Azure OpenAI's classic deployment API:
     * {@code https://{resource}.openai.azure.com/openai/deployments/{deployment}/embeddings?api-version=…}, with the
     * key from {@code AZURE_OPENAI_API_KEY} sent in Azure's {@code api-key} header.
     *
     * @param resource the resource name, or the resource's endpoint URL
     * @param deployment the embedding model's deployment name
     * @param apiVersion the API version, e.g. {@code "2024-10-21"}
     */
    public static Builder azure(String resource, String deployment, String apiVersion) {
        return builder(OpenAIServer.azure(resource, deployment, apiVersion), deployment);
    }

    private static Builder builder(OpenAIServer server, String model) {
        return new Builder(System::getenv, server).model(model);
    }

    @Override
    public List<float[]> embed(List<String> texts) {
        return http.embed(texts, this::fields, this::vectors, root -> Json.integer(root.path("usage"), "prompt_tokens"));
    }

    private void fields(ObjectNode body) {
        body.put("encoding_format", "float");
        if (dimensions != null) {
            body.put("dimensions", dimensions);
        }
    }

    /** Reads {@code data}, ordered by each item's {@code index}, which OpenAI sends and trusts over the order. */
    private List<float[]> vectors(JsonNode root, int count) {
        JsonNode data = root.get("data");
        if (data == null || !data.isArray() || data.size() != count) {
            throw http.malformed("expected " + count + " embeddings in \"data\"", root);
        }
        float[][] ordered = new float[count][];
        for (int i = 0; i < data.size(); i++) {
            JsonNode item = data.get(i);
            int index = item.path("index").asInt(i);
            if (index < 0 || index >= ordered.length || ordered[index] != null) {
                throw http.malformed("embedding index " + index + " out of place", root);
            }
            ordered[index] = http.vector(item.get("embedding"), "data[" + i + "].embedding", root);
        }
        return List.of(ordered);
    }

    @Override
    public String toString() {
        return "OpenAIEmbeddings[" + http + "]";
    }

    /**
     * Configures an {@link OpenAIEmbeddings}: the settings every HTTP model client shares, plus the batch size and
     * the vectors' dimensions. Not thread-safe; {@link #build()} validates.
     */
    public static final class Builder extends HttpLLMBuilder<Builder> {
        private final OpenAIServer server;
        private int batchSize = 100;
        private @Nullable Integer dimensions;

        Builder(Function<String, @Nullable String> environment, OpenAIServer server) {
            this.server = server;
            HttpEmbeddings.defaults(this, environment, null, server.baseUrl(), Duration.ofSeconds(60));
        }

        /** Sets how many texts go in one request; 1 to 2048. Default 100. */
        public Builder batchSize(int batchSize) {
            this.batchSize = HttpEmbeddings.batchSize(batchSize, 2048);
            return this;
        }

        /** Asks the model for shorter vectors (the {@code text-embedding-3} models support it). */
        public Builder dimensions(int dimensions) {
            if (dimensions < 1) {
                throw new IllegalArgumentException("dimensions must be positive: " + dimensions);
            }
            this.dimensions = dimensions;
            return this;
        }

        /**
         * Returns the client.
         *
         * @throws AuthenticationException when the server needs a key and none is set or found
         */
        public OpenAIEmbeddings build() {
            BuilderState state = BuilderState.of(this);
            String key = server.apiKey(state);
            URI endpoint = server.url(state.baseUrl(), "embeddings");
            return new OpenAIEmbeddings(dimensions, HttpEmbeddings.of(this, server.name(), key,
                    server.authHeaders(key), endpoint, batchSize, HttpErrors.notFoundHint(state.model(), endpoint)));
        }
    }
}
