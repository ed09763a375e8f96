package io.synapsekit.llm.anthropic;

import io.synapsekit.internal.BuilderState;
import io.synapsekit.llm.AuthenticationException;
import io.synapsekit.llm.GenerateOptions;
import io.synapsekit.llm.LLM;
import io.synapsekit.llm.LLMEvent;
import io.synapsekit.llm.http.HttpLLM;
import io.synapsekit.llm.http.HttpLLMBuilder;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * An {@link LLM} on Anthropic's Messages API ({@code POST {baseUrl}/v1/messages}), streamed over Server-Sent
 * Events.
 *
 * <pre>{@code
 * LLM claude = AnthropicLLM.builder().model("claude-sonnet-4-5").build();   // key from ANTHROPIC_API_KEY
 * try (Stream<String> tokens = claude.stream("Why is the sky blue?")) { tokens.forEach(System.out::print); }
 * }</pre>
 *
 * <p>System prompts, from {@link GenerateOptions#system()} and from system messages, are sent in the
 * top-level {@code system} field, joined by blank lines. Anthropic requires {@code max_tokens}: requests send
 * {@link GenerateOptions#maxTokens()} when set, else the builder's {@link Builder#maxTokens(int)} (default
 * {@value #DEFAULT_MAX_TOKENS}). Extended thinking is requested with
 * {@code GenerateOptions.builder().extraBody("thinking", Map.of("type", "enabled", "budget_tokens", 2048))};
 * thinking text then arrives as {@link LLMEvent.Thinking}, never as answer tokens.
 *
 * <p>Immutable and thread-safe: build one per application and share it. Streams read on the caller's thread;
 * no thread is started per request.
 */
public final class AnthropicLLM extends HttpLLM {

    /** The default base URL; requests go to {@code {baseUrl}/v1/messages}. */
    public static final String DEFAULT_BASE_URL = "https://api.anthropic.com";
    /** The default model. */
    public static final String DEFAULT_MODEL = "claude-sonnet-4-5";
    /** The environment variable the API key is read from when none is given. */
    public static final String API_KEY_VARIABLE = "ANTHROPIC_API_KEY";
    /** The {@code max_tokens} sent when neither the request nor the builder sets one. */
    public static final int DEFAULT_MAX_TOKENS = 4096;

    private AnthropicLLM(Builder builder) {
        super(builder);
    }

    /** Returns a new builder. */
    public static Builder builder() {
        return new Builder(System::getenv);
    }

    /**
     * A builder of {@link AnthropicLLM}: the shared {@link HttpLLMBuilder} settings plus the default
     * {@code max_tokens}. A header set with {@link #header} replaces the default of the same name, so
     * {@code header("anthropic-version", …)} works, as does {@code header("anthropic-beta", …)}. Not thread-safe.
     */
    public static final class Builder extends HttpLLMBuilder<Builder> {
        private int maxTokens = DEFAULT_MAX_TOKENS;

        Builder(Function<String, @Nullable String> environment) {
            BuilderState.of(this).defaults(environment, DEFAULT_MODEL, DEFAULT_BASE_URL);
        }

        /**
         * Sets the {@code max_tokens} sent when a request sets none; Anthropic requires the field. Default
         * {@value AnthropicLLM#DEFAULT_MAX_TOKENS}.
         */
        public Builder maxTokens(int maxTokens) {
            if (maxTokens < 1) {
                throw new IllegalArgumentException("maxTokens must be at least 1: " + maxTokens);
            }
            this.maxTokens = maxTokens;
            return this;
        }

        /**
         * Returns the client. The key is the one set with {@link #apiKey}, else
         * {@value AnthropicLLM#API_KEY_VARIABLE}; a gateway at another base URL may do without one.
         *
         * @throws AuthenticationException when the base URL is Anthropic's and there is no key
         */
        public AnthropicLLM build() {
            BuilderState state = BuilderState.of(this);
            String key = state.apiKey(AnthropicCodec.PROVIDER, state.baseUrl().equalsIgnoreCase(DEFAULT_BASE_URL),
                    API_KEY_VARIABLE);
            state.wire(AnthropicCodec.PROVIDER, key, AnthropicCodec.headers(key),
                    new AnthropicCodec(state.baseUrl(), maxTokens));
            return new AnthropicLLM(this);
        }
    }
}
