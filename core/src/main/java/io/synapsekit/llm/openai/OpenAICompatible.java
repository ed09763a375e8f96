package io.synapsekit.llm.openai;

import io.synapsekit.internal.OpenAIServer;

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
 * own variable (for example {@code GROQ_API_KEY}); {@code OPENAI_API_KEY} is never sent to another provider. A
 * hosted server's key is required at {@code build()} while the base URL is still the server's own. The same presets
 * serve embeddings where the server does ({@code OpenAIEmbeddings.mistral(…)} and others in
 * {@code synapsekit-rag}).
 *
 * @apiNote Thread-safe: each call returns a new builder.
 */
public final class OpenAICompatible {

    private OpenAICompatible() {
    }

    /** Returns a builder for Groq ({@code https://api.groq.com/openai/v1}, key {@code GROQ_API_KEY}). */
    public static OpenAILLM.Builder groq(String model) {
        return builder(OpenAIServer.GROQ, model);
    }

    /** Returns a builder for DeepSeek ({@code https://api.deepseek.com}, key {@code DEEPSEEK_API_KEY}). */
    public static OpenAILLM.Builder deepSeek(String model) {
        return builder(OpenAIServer.DEEPSEEK, model);
    }

    /** Returns a builder for Together AI ({@code https://api.together.xyz/v1}, key {@code TOGETHER_API_KEY}). */
    public static OpenAILLM.Builder together(String model) {
        return builder(OpenAIServer.TOGETHER, model);
    }

    /**
     * Returns a builder for Fireworks AI ({@code https://api.fireworks.ai/inference/v1}, key
     * {@code FIREWORKS_API_KEY}). Models are named like {@code accounts/fireworks/models/…}.
     */
    public static OpenAILLM.Builder fireworks(String model) {
        return builder(OpenAIServer.FIREWORKS, model);
    }

    /**
     * Returns a builder for OpenRouter ({@code https://openrouter.ai/api/v1}, key {@code OPENROUTER_API_KEY}).
     * Models are named {@code vendor/model}. OpenRouter's optional attribution headers are set with
     * {@code .header("HTTP-Referer", …)} and {@code .header("X-Title", …)}.
     */
    public static OpenAILLM.Builder openRouter(String model) {
        return builder(OpenAIServer.OPENROUTER, model);
    }

    /**
     * Returns a builder for Mistral ({@code https://api.mistral.ai/v1}, key {@code MISTRAL_API_KEY}). Mistral
     * rejects {@code stream_options} with HTTP 422, so it is not sent; Mistral reports usage in its last chunk
     * anyway.
     */
    public static OpenAILLM.Builder mistral(String model) {
        return builder(OpenAIServer.MISTRAL, model);
    }

    /** Returns a builder for xAI ({@code https://api.x.ai/v1}, key {@code XAI_API_KEY}). */
    public static OpenAILLM.Builder xai(String model) {
        return builder(OpenAIServer.XAI, model);
    }

    /** Returns a builder for Perplexity ({@code https://api.perplexity.ai}, key {@code PERPLEXITY_API_KEY}). */
    public static OpenAILLM.Builder perplexity(String model) {
        return builder(OpenAIServer.PERPLEXITY, model);
    }

    /**
     * Returns a builder for a local vLLM server ({@code http://localhost:8000/v1}); a key, when the server was
     * started with one, is read from {@code VLLM_API_KEY}. The model is the name the server was started with.
     */
    public static OpenAILLM.Builder vllm(String model) {
        return builder(OpenAIServer.VLLM, model);
    }

    /** Returns a builder for LM Studio's local server ({@code http://localhost:1234/v1}); no key. */
    public static OpenAILLM.Builder lmStudio(String model) {
        return builder(OpenAIServer.LM_STUDIO, model);
    }

    /**
     * Returns a builder for llama.cpp's {@code llama-server} ({@code http://localhost:8080/v1}); a key, when the
     * server was started with one, is read from {@code LLAMA_API_KEY}. A server with one model ignores the name.
     */
    public static OpenAILLM.Builder llamaCpp(String model) {
        return builder(OpenAIServer.LLAMA_CPP, model);
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
        return builder(OpenAIServer.azure(resource), deployment);
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
        return builder(OpenAIServer.azure(resource, deployment, apiVersion), deployment);
    }

    private static OpenAILLM.Builder builder(OpenAIServer server, String model) {
        return new OpenAILLM.Builder(System::getenv, server).model(model);
    }
}
