package io.synapsekit.llm.gemini;

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
 * An {@link LLM} on Google's Gemini API
 * ({@code POST {baseUrl}/models/{model}:streamGenerateContent?alt=sse}), streamed over Server-Sent Events.
 *
 * <pre>{@code
 * LLM gemini = GeminiLLM.builder().model("gemini-2.5-flash").build();   // key from GEMINI_API_KEY
 * try (Stream<String> tokens = gemini.stream("Why is the sky blue?")) { tokens.forEach(System.out::print); }
 * }</pre>
 *
 * <p>System prompts go in {@code systemInstruction}; assistant turns are sent with Gemini's role {@code model};
 * temperature, top-p, max tokens and stop sequences go in {@code generationConfig}. An answer withheld by a
 * safety or recitation filter is a {@link io.synapsekit.llm.ProviderErrorException} whose {@code errorType()} is
 * Gemini's reason, never an empty answer. Fields of {@link GenerateOptions#extraBody()} that are objects merge
 * into the ones this library sets, so {@code extraBody("generationConfig", Map.of("thinkingConfig",
 * Map.of("includeThoughts", true)))} keeps the temperature; thought summaries then arrive as
 * {@link LLMEvent.Thinking}.
 *
 * <p>Immutable and thread-safe: build one per application and share it. Streams read on the caller's thread;
 * no thread is started per request.
 */
public final class GeminiLLM extends HttpLLM {

    /** The default base URL. */
    public static final String DEFAULT_BASE_URL = "https://generativelanguage.googleapis.com/v1beta";
    /** The default model. */
    public static final String DEFAULT_MODEL = "gemini-2.5-flash";
    /** The environment variable the API key is read from first. */
    public static final String API_KEY_VARIABLE = "GEMINI_API_KEY";
    /** The environment variable the API key is read from when {@value #API_KEY_VARIABLE} is not set. */
    public static final String GOOGLE_API_KEY_VARIABLE = "GOOGLE_API_KEY";

    private GeminiLLM(Builder builder) {
        super(builder);
    }

    /** Returns a new builder. */
    public static Builder builder() {
        return new Builder(System::getenv);
    }

    /** A builder of {@link GeminiLLM}: the shared {@link HttpLLMBuilder} settings. Not thread-safe. */
    public static final class Builder extends HttpLLMBuilder<Builder> {

        Builder(Function<String, @Nullable String> environment) {
            BuilderState.of(this).defaults(environment, DEFAULT_MODEL, DEFAULT_BASE_URL);
        }

        /**
         * Returns the client. The key is the one set with {@link #apiKey}, else {@value GeminiLLM#API_KEY_VARIABLE},
         * else {@value GeminiLLM#GOOGLE_API_KEY_VARIABLE}; a gateway at another base URL may do without one.
         *
         * @throws AuthenticationException when the base URL is Google's and there is no key
         */
        public GeminiLLM build() {
            BuilderState state = BuilderState.of(this);
            String key = state.apiKey(GeminiCodec.PROVIDER, state.baseUrl().equalsIgnoreCase(DEFAULT_BASE_URL),
                    API_KEY_VARIABLE, GOOGLE_API_KEY_VARIABLE);
            state.wire(GeminiCodec.PROVIDER, key, GeminiCodec.headers(key), new GeminiCodec(state.baseUrl()));
            return new GeminiLLM(this);
        }
    }
}
