package io.synapsekit.llm.openai;

import java.util.Locale;
import java.util.Objects;
import java.util.function.Function;

/**
 * Ready-made {@link OpenAILLM} builders for servers that speak OpenAI's Chat Completions API: each sets the
 * server's documented base URL and reads its own key variable.
 *
 * <pre>{@code
 * LLM groq = OpenAICompatible.groq("llama-3.3-70b-versatile").build();          // key from GROQ_API_KEY
 * LLM local = OpenAICompatible.vllm("Qwen/Qwen2.5-7B-Instruct").build();        // http://localhost:8000/v1
 * }</pre>
 *
 * <p>Every preset takes the model, because each server names its models differently and none has OpenAI's
 * default. The builder returned is an ordinary {@link OpenAILLM.Builder}: {@code .baseUrl}, {@code .apiKey},
 * headers and time limits can still be changed. A preset's key is the one set with {@code .apiKey(…)}, else its
 * own variable (for example {@code GROQ_API_KEY}); {@code OPENAI_API_KEY} is never sent to another provider.
 *
 * @apiNote Thread-safe: each call returns a new builder.
 */
public final class OpenAICompatible {

    /**
     * One server: its short name, its base URL and the variable its key is read from ({@code null}: none).
     * A hosted service needs a key, so {@code build()} fails early, naming the variable, when there is none.
     */
    record Preset(String name, String baseUrl, String keyVariable, boolean hosted) {
        Preset(String name, String baseUrl, String keyVariable) {
            this(name, baseUrl, keyVariable, !baseUrl.startsWith("http://localhost"));
        }
    }

    static final Preset GROQ = new Preset("groq", "https://api.groq.com/openai/v1", "GROQ_API_KEY");
    static final Preset DEEPSEEK = new Preset("deepseek", "https://api.deepseek.com", "DEEPSEEK_API_KEY");
    static final Preset TOGETHER = new Preset("together", "https://api.together.xyz/v1", "TOGETHER_API_KEY");
    static final Preset FIREWORKS = new Preset("fireworks", "https://api.fireworks.ai/inference/v1",
            "FIREWORKS_API_KEY");
    static final Preset OPENROUTER = new Preset("openrouter", "https://openrouter.ai/api/v1", "OPENROUTER_API_KEY");
    static final Preset MISTRAL = new Preset("mistral", "https://api.mistral.ai/v1", "MISTRAL_API_KEY");
    static final Preset XAI = new Preset("xai", "https://api.x.ai/v1", "XAI_API_KEY");
    static final Preset PERPLEXITY = new Preset("perplexity", "https://api.perplexity.ai", "PERPLEXITY_API_KEY");
    static final Preset VLLM = new Preset("vllm", "http://localhost:8000/v1", "VLLM_API_KEY");
    static final Preset LM_STUDIO = new Preset("lmstudio", "http://localhost:1234/v1", null);
    static final Preset LLAMA_CPP = new Preset("llamacpp", "http://localhost:8080/v1", "LLAMA_API_KEY");
    /** The variable Azure OpenAI's key is read from. */
    static final String AZURE_KEY_VARIABLE = "AZURE_OPENAI_API_KEY";

    private OpenAICompatible() {
    }

    /** Returns a builder for Groq ({@code https://api.groq.com/openai/v1}, key {@code GROQ_API_KEY}). */
    public static OpenAILLM.Builder groq(String model) {
        return builder(GROQ, model, System::getenv);
    }

    /** Returns a builder for DeepSeek ({@code https://api.deepseek.com}, key {@code DEEPSEEK_API_KEY}). */
    public static OpenAILLM.Builder deepSeek(String model) {
        return builder(DEEPSEEK, model, System::getenv);
    }

    /** Returns a builder for Together AI ({@code https://api.together.xyz/v1}, key {@code TOGETHER_API_KEY}). */
    public static OpenAILLM.Builder together(String model) {
        return builder(TOGETHER, model, System::getenv);
    }

    /**
     * Returns a builder for Fireworks AI ({@code https://api.fireworks.ai/inference/v1}, key
     * {@code FIREWORKS_API_KEY}). Models are named like {@code accounts/fireworks/models/…}.
     */
    public static OpenAILLM.Builder fireworks(String model) {
        return builder(FIREWORKS, model, System::getenv);
    }

    /**
     * Returns a builder for OpenRouter ({@code https://openrouter.ai/api/v1}, key {@code OPENROUTER_API_KEY}).
     * Models are named {@code vendor/model}. OpenRouter's optional attribution headers are set with
     * {@code .header("HTTP-Referer", …)} and {@code .header("X-Title", …)}.
     */
    public static OpenAILLM.Builder openRouter(String model) {
        return builder(OPENROUTER, model, System::getenv);
    }

    /**
     * Returns a builder for Mistral ({@code https://api.mistral.ai/v1}, key {@code MISTRAL_API_KEY}). Mistral
     * rejects {@code stream_options} with HTTP 422, so it is not sent; Mistral reports usage in its last chunk
     * anyway.
     */
    public static OpenAILLM.Builder mistral(String model) {
        OpenAILLM.Builder b = builder(MISTRAL, model, System::getenv);
        b.streamUsage = false;
        return b;
    }

    /** Returns a builder for xAI ({@code https://api.x.ai/v1}, key {@code XAI_API_KEY}). */
    public static OpenAILLM.Builder xai(String model) {
        return builder(XAI, model, System::getenv);
    }

    /** Returns a builder for Perplexity ({@code https://api.perplexity.ai}, key {@code PERPLEXITY_API_KEY}). */
    public static OpenAILLM.Builder perplexity(String model) {
        return builder(PERPLEXITY, model, System::getenv);
    }

    /**
     * Returns a builder for a local vLLM server ({@code http://localhost:8000/v1}); a key, when the server was
     * started with one, is read from {@code VLLM_API_KEY}. The model is the name the server was started with.
     */
    public static OpenAILLM.Builder vllm(String model) {
        return builder(VLLM, model, System::getenv);
    }

    /** Returns a builder for LM Studio's local server ({@code http://localhost:1234/v1}); no key. */
    public static OpenAILLM.Builder lmStudio(String model) {
        return builder(LM_STUDIO, model, System::getenv);
    }

    /**
     * Returns a builder for llama.cpp's {@code llama-server} ({@code http://localhost:8080/v1}); a key, when the
     * server was started with one, is read from {@code LLAMA_API_KEY}. A server with one model ignores the name.
     */
    public static OpenAILLM.Builder llamaCpp(String model) {
        return builder(LLAMA_CPP, model, System::getenv);
    }

    /**
     * Returns a builder for Azure OpenAI's v1 API ({@code {endpoint}/openai/v1}), which takes the deployment name
     * as the model and needs no {@code api-version}. The key is read from {@code AZURE_OPENAI_API_KEY} and sent as
     * a bearer token, which the v1 API accepts for keys and Microsoft Entra ID tokens alike.
     *
     * @param resource the resource name ({@code my-resource} for {@code https://my-resource.openai.azure.com}) or
     *     the resource's endpoint URL
     * @param deployment the deployment name
     */
    public static OpenAILLM.Builder azure(String resource, String deployment) {
        return azure(resource, deployment, System::getenv);
    }

    static OpenAILLM.Builder azure(String resource, String deployment, Function<String, String> environment) {
        // Azure's newer deployments (o-series, GPT-5) accept only the newer field, as OpenAI's own API does.
        return builder(new Preset("azure", azureRoot(resource) + "/v1", AZURE_KEY_VARIABLE), deployment, environment)
                .maxTokensField("max_completion_tokens");
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
     * Returns a builder for Azure OpenAI's classic deployment API:
     * {@code https://{resource}.openai.azure.com/openai/deployments/{deployment}/chat/completions?api-version=…},
     * with the key from {@code AZURE_OPENAI_API_KEY} sent in Azure's {@code api-key} header.
     *
     * @param resource the resource name, or the resource's endpoint URL
     * @param deployment the deployment name
     * @param apiVersion the API version, e.g. {@code "2024-10-21"}
     */
    public static OpenAILLM.Builder azure(String resource, String deployment, String apiVersion) {
        return azure(resource, deployment, apiVersion, System::getenv);
    }

    static OpenAILLM.Builder azure(String resource, String deployment, String apiVersion,
            Function<String, String> environment) {
        Objects.requireNonNull(deployment, "deployment");
        Objects.requireNonNull(apiVersion, "apiVersion");
        if (deployment.isBlank() || apiVersion.isBlank()) {
            throw new IllegalArgumentException("deployment and apiVersion must not be blank");
        }
        OpenAILLM.Builder b = azure(resource, deployment, environment);
        b.endpoint = azureRoot(resource) + "/deployments/" + java.net.URLEncoder.encode(deployment.strip(),
                java.nio.charset.StandardCharsets.UTF_8) + "/chat/completions?api-version="
                + java.net.URLEncoder.encode(apiVersion.strip(), java.nio.charset.StandardCharsets.UTF_8);
        b.authHeader = "api-key";
        b.bearer = false;
        return b;
    }

    /** Returns a builder for {@code preset}, reading variables through {@code environment}. */
    static OpenAILLM.Builder builder(Preset preset, String model, Function<String, String> environment) {
        Objects.requireNonNull(environment, "environment");
        OpenAILLM.Builder b = new OpenAILLM.Builder(environment).baseUrl(preset.baseUrl()).model(model);
        b.provider = preset.name();
        // Each server reads its own variable: an OpenAI key is never sent to another provider.
        b.keyVariable = preset.keyVariable();
        b.keyRequired = preset.hosted();
        return b;
    }
}
