package io.synapsekit.internal;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A server that speaks OpenAI's API, as our chat and embeddings clients reach it: its name in errors, its base URL,
 * where its key is read from and how it is sent, and, for Azure's classic API, its deployment's URL. The presets
 * live here once, so that one means the same for chat ({@code OpenAICompatible}) and for embeddings
 * ({@code OpenAIEmbeddings}).
 *
 * <p>Immutable.
 *
 * @param name the provider's short name in errors and logs
 * @param baseUrl the base URL, up to and including the API version
 * @param keyVariable the environment variable the key is read from, or {@code null} when the server takes none
 * @param hosted whether the server needs a key at its own base URL: {@code build()} then fails without one, naming
 *     the variable, rather than the first request
 * @param authHeader the header the key goes in ({@code Authorization}, or Azure's {@code api-key})
 * @param bearer whether the key is sent as {@code Bearer <key>}
 * @param deployment Azure's classic API only: the deployment's URL, {@code {root}/deployments/{name}}; else
 *     {@code null}
 * @param apiVersion Azure's classic API only: its {@code api-version}; else {@code null}
 * @param streamUsage chat only: whether to send {@code stream_options.include_usage}, which some servers reject
 * @param maxTokensField chat only: the body field of the answer's token limit, or {@code null} for the default
 */
public record OpenAIServer(String name, String baseUrl, @Nullable String keyVariable, boolean hosted,
        String authHeader, boolean bearer, @Nullable String deployment, @Nullable String apiVersion,
        boolean streamUsage, @Nullable String maxTokensField) {

    /** The variable Azure OpenAI's key is read from. */
    public static final String AZURE_KEY_VARIABLE = "AZURE_OPENAI_API_KEY";

    public static final OpenAIServer OPENAI = hosted("openai", "https://api.openai.com/v1", "OPENAI_API_KEY");
    public static final OpenAIServer GROQ = hosted("groq", "https://api.groq.com/openai/v1", "GROQ_API_KEY");
    public static final OpenAIServer DEEPSEEK = hosted("deepseek", "https://api.deepseek.com", "DEEPSEEK_API_KEY");
    public static final OpenAIServer TOGETHER = hosted("together", "https://api.together.xyz/v1", "TOGETHER_API_KEY");
    public static final OpenAIServer FIREWORKS = hosted("fireworks", "https://api.fireworks.ai/inference/v1",
            "FIREWORKS_API_KEY");
    public static final OpenAIServer OPENROUTER = hosted("openrouter", "https://openrouter.ai/api/v1",
            "OPENROUTER_API_KEY");
    /** Mistral rejects {@code stream_options} with HTTP 422, and reports usage in its last chunk anyway. */
    public static final OpenAIServer MISTRAL = hosted("mistral", "https://api.mistral.ai/v1", "MISTRAL_API_KEY")
            .withoutStreamUsage();
    public static final OpenAIServer XAI = hosted("xai", "https://api.x.ai/v1", "XAI_API_KEY");
    public static final OpenAIServer PERPLEXITY = hosted("perplexity", "https://api.perplexity.ai",
            "PERPLEXITY_API_KEY");
    public static final OpenAIServer VLLM = local("vllm", "http://localhost:8000/v1", "VLLM_API_KEY");
    public static final OpenAIServer LM_STUDIO = local("lmstudio", "http://localhost:1234/v1", null);
    public static final OpenAIServer LLAMA_CPP = local("llamacpp", "http://localhost:8080/v1", "LLAMA_API_KEY");

    public OpenAIServer {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(baseUrl, "baseUrl");
        Objects.requireNonNull(authHeader, "authHeader");
    }

    private static OpenAIServer hosted(String name, String baseUrl, String keyVariable) {
        return new OpenAIServer(name, baseUrl, keyVariable, true, "Authorization", true, null, null, true, null);
    }

    private static OpenAIServer local(String name, String baseUrl, @Nullable String keyVariable) {
        return new OpenAIServer(name, baseUrl, keyVariable, false, "Authorization", true, null, null, true, null);
    }

    private OpenAIServer withoutStreamUsage() {
        return new OpenAIServer(name, baseUrl, keyVariable, hosted, authHeader, bearer, deployment, apiVersion, false,
                maxTokensField);
    }

    /**
     * Returns Azure OpenAI's v1 API ({@code {endpoint}/openai/v1}), which takes the deployment name as the model
     * and the key as a bearer token (keys and Microsoft Entra ID tokens alike). Its newer deployments (o-series,
     * GPT-5) accept only {@code max_completion_tokens}, as OpenAI's own API does.
     *
     * @param resource the resource name ({@code my-resource} for {@code https://my-resource.openai.azure.com}) or
     *     the resource's endpoint URL
     */
    public static OpenAIServer azure(String resource) {
        return new OpenAIServer("azure", azureRoot(resource) + "/v1", AZURE_KEY_VARIABLE, true, "Authorization", true,
                null, null, true, "max_completion_tokens");
    }

    /**
     * Returns Azure OpenAI's classic deployment API:
     * {@code https://{resource}.openai.azure.com/openai/deployments/{deployment}/…?api-version=…}, with the key
     * in Azure's {@code api-key} header.
     */
    public static OpenAIServer azure(String resource, String deployment, String apiVersion) {
        Objects.requireNonNull(deployment, "deployment");
        Objects.requireNonNull(apiVersion, "apiVersion");
        if (deployment.isBlank() || apiVersion.isBlank()) {
            throw new IllegalArgumentException("deployment and apiVersion must not be blank");
        }
        String root = azureRoot(resource);
        return new OpenAIServer("azure", root + "/v1", AZURE_KEY_VARIABLE, true, "api-key", false,
                root + "/deployments/" + URLEncoder.encode(deployment.strip(), StandardCharsets.UTF_8),
                apiVersion.strip(), true, "max_completion_tokens");
    }

    /** Returns {@code https://{resource}.openai.azure.com/openai} for a resource name or endpoint URL. */
    static String azureRoot(String resource) {
        Objects.requireNonNull(resource, "resource");
        String r = resource.strip();
        if (r.isEmpty()) {
            throw new IllegalArgumentException("resource must not be blank");
        }
        String endpoint = r.contains("://") ? r : "https://" + r.toLowerCase(Locale.ROOT) + ".openai.azure.com";
        while (endpoint.endsWith("/")) {
            endpoint = endpoint.substring(0, endpoint.length() - 1);
        }
        if (endpoint.endsWith("/openai/v1")) {
            endpoint = endpoint.substring(0, endpoint.length() - "/v1".length());
        }
        return endpoint.endsWith("/openai") ? endpoint : endpoint + "/openai";
    }

    /**
     * Returns the URL of {@code path} ({@code "chat/completions"}, {@code "embeddings"}): under {@code baseUrl},
     * or under the deployment for Azure's classic API, whose URL the base URL does not change.
     */
    public URI url(String baseUrl, String path) {
        if (deployment != null) {
            return URI.create(deployment + "/" + path + "?api-version="
                    + URLEncoder.encode(apiVersion, StandardCharsets.UTF_8));
        }
        return URI.create(baseUrl + "/" + path);
    }

    /** Returns whether {@code baseUrl} is OpenAI's own API. */
    public static boolean isOpenAI(String baseUrl) {
        return baseUrl.equalsIgnoreCase(OPENAI.baseUrl);
    }

    /**
     * Returns the key the builder's state gives: the one set, else this server's variable (never another
     * server's: an OpenAI key is never sent elsewhere).
     *
     * @throws io.synapsekit.llm.AuthenticationException when this server needs a key at {@code state}'s base URL
     *     (it is its own, or Azure's classic deployment) and there is none, naming the variable
     */
    public @Nullable String apiKey(BuilderState state) {
        boolean required = hosted && (deployment != null || state.baseUrl().equalsIgnoreCase(baseUrl));
        return keyVariable == null ? state.apiKey(name, required) : state.apiKey(name, required, keyVariable);
    }

    /** Returns the header carrying {@code key}, or none when there is no key. */
    public Map<String, String> authHeaders(@Nullable String key) {
        return key == null ? Map.of() : Map.of(authHeader, bearer ? "Bearer " + key : key);
    }
}
