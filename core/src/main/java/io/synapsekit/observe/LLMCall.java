package io.synapsekit.observe;

import io.synapsekit.llm.GenerateOptions;
import java.util.Objects;

/**
 * One LLM call as a listener sees it when it starts: who is asked, for what, with which options.
 *
 * @param provider the provider's short name: {@code "openai"}, {@code "anthropic"}, {@code "gemini"},
 *     {@code "ollama"}
 * @param operation what is asked: {@link #CHAT} for a chat completion, {@link #EMBEDDINGS} for vectors
 * @param model the model the request names
 * @param options the request's options (temperature, maximum tokens, stop sequences…); never its messages
 * @param serverAddress the host the request goes to
 * @param serverPort the port the request goes to
 */
public record LLMCall(String provider, String operation, String model, GenerateOptions options, String serverAddress,
        int serverPort) {

    /** The operation of a chat completion, streamed or not. */
    public static final String CHAT = "chat";

    /**
     * The operation of an embeddings request: one batch of texts turned into vectors, answered whole. Its listener
     * hears {@link LLMCallListener#response}, {@link LLMCallListener#usage} (input tokens, when the server counts
     * them), then {@code finished(null)} or {@code failed}; no chunks.
     */
    public static final String EMBEDDINGS = "embeddings";

    public LLMCall {
        Objects.requireNonNull(provider, "provider");
        Objects.requireNonNull(operation, "operation");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(serverAddress, "serverAddress");
    }
}
