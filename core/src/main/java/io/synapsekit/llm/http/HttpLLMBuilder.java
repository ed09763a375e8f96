package io.synapsekit.llm.http;

import io.synapsekit.http.spi.HttpTransport;
import io.synapsekit.internal.BuilderState;
import java.time.Duration;

/**
 * The settings every HTTP model client's builder shares: model, key, base URL, headers, time limits, retries and
 * transport. Each provider's {@code builder()} returns a subclass, chat models' and embeddings' alike
 * ({@code OpenAIEmbeddings}, {@code OllamaEmbeddings} in {@code synapsekit-rag}), so the same calls work for all
 * of them and mean the same: one HTTP client sends every request.
 *
 * <p>Every setter checks its value at once and names the setting it refuses; {@code build()} checks what depends on
 * several. Not thread-safe; the clients it builds are.
 *
 * @param <B> the provider's builder type, returned by every setter for chaining
 */
public abstract class HttpLLMBuilder<B extends HttpLLMBuilder<B>> {

    private final BuilderState state = new BuilderState();

    static {
        BuilderState.register(builder -> ((HttpLLMBuilder<?>) builder).state);
    }

    /**
     * Creates a builder with nothing set.
     *
     * @apiNote Protected only because each provider's builder extends this class from its own package. What a
     *     builder gathers is read by SynapseKit's providers through a route that is not API, so a subclass written
     *     elsewhere could set values but build nothing from them: to add a provider, implement
     *     {@link io.synapsekit.llm.LLM}.
     */
    protected HttpLLMBuilder() {
    }

    @SuppressWarnings("unchecked")
    private B self() {
        return (B) this;
    }

    /** Sets the model. */
    public B model(String model) {
        state.model(model);
        return self();
    }

    /** Sets the API key; by default it is read from the provider's environment variable. Never logged. */
    public B apiKey(String apiKey) {
        state.apiKey(apiKey);
        return self();
    }

    /** Sets the base URL the provider's path is appended to. */
    public B baseUrl(String baseUrl) {
        state.baseUrl(baseUrl);
        return self();
    }

    /**
     * Adds a header sent with every request (a gateway's key, a tracing id). It replaces a header whose name
     * differs only in case, the provider's own included ({@code .header("authorization", …)} sends one
     * {@code Authorization}), and one added before. Its value is never logged.
     */
    public B header(String name, String value) {
        state.header(name, value);
        return self();
    }

    /** Sets the longest wait to open a connection. Default 10 seconds. */
    public B connectTimeout(Duration timeout) {
        state.connectTimeout(timeout);
        return self();
    }

    /**
     * Sets the longest wait from sending a request to the first content the model sends, headers included: answer
     * text, thinking, a tool call being written or a refusal (keep-alives and empty opening chunks do not count).
     * Default 10 minutes, because reasoning models may think that long without showing it.
     */
    public B firstTokenTimeout(Duration timeout) {
        state.settings(s -> s.withFirstTokenTimeout(timeout));
        return self();
    }

    /** Sets the longest silence on the wire once the response headers have arrived. Default 5 minutes. */
    public B idleTimeout(Duration timeout) {
        state.settings(s -> s.withIdleTimeout(timeout));
        return self();
    }

    /** Sets the longest a whole call may take; {@link Duration#ZERO}, the default, for no limit. */
    public B totalTimeout(Duration timeout) {
        state.settings(s -> s.withTotalTimeout(timeout));
        return self();
    }

    /**
     * Sets how many times a failed request is sent again, only ever before any token was delivered (connection
     * failures, time-outs before the headers, HTTP 408, 409, 429, 5xx). Default 2.
     */
    public B maxRetries(int retries) {
        state.settings(s -> s.withMaxRetries(retries));
        return self();
    }

    /**
     * Sets the backoff: the first delay, doubled per attempt with jitter, and the longest wait, beyond which a
     * server's {@code Retry-After} is not waited for. Default 500 ms and 60 s.
     */
    public B retryDelays(Duration first, Duration max) {
        state.settings(s -> s.withRetryDelays(first, max));
        return self();
    }

    /**
     * Sets the most bytes one streamed line or event may have, or for embeddings one whole response. Default 8 MiB
     * (128 MiB for embeddings).
     */
    public B maxEventBytes(int bytes) {
        state.settings(s -> s.withMaxEventBytes(bytes));
        return self();
    }

    /**
     * Limits this client to {@code requestsPerMinute}, spaced evenly and shared by all its calls, streams
     * included; callers wait their turn. Default: no limit.
     */
    public B requestsPerMinute(int requestsPerMinute) {
        state.requestsPerMinute(requestsPerMinute);
        return self();
    }

    /**
     * Adds a listener that observes every call of the client: its start, first chunk, chunks, usage and end (see
     * {@link io.synapsekit.observe.LLMListener}); it runs on the thread that reads each stream. Listeners found
     * with {@code ServiceLoader} are added without this. Chat clients only: embeddings are not observed.
     */
    public B listener(io.synapsekit.observe.LLMListener listener) {
        state.listener(listener);
        return self();
    }

    /** Sets the HTTP transport. Default: the one found on the class path, shared by all clients. */
    public B transport(HttpTransport transport) {
        state.transport(transport);
        return self();
    }
}
