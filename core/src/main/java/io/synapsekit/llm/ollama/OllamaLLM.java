package io.synapsekit.llm.ollama;

import io.synapsekit.internal.BuilderState;
import io.synapsekit.internal.OllamaServer;
import io.synapsekit.llm.GenerateOptions;
import io.synapsekit.llm.LLM;
import io.synapsekit.llm.LLMEvent;
import io.synapsekit.llm.http.HttpLLM;
import io.synapsekit.llm.http.HttpLLMBuilder;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * An {@link LLM} on a local or remote Ollama server's native chat API ({@code POST {baseUrl}/api/chat}),
 * streamed as newline-delimited JSON.
 *
 * <pre>{@code
 * LLM llama = OllamaLLM.builder().model("llama3.2").build();   // http://localhost:11434, or OLLAMA_HOST
 * try (Stream<String> tokens = llama.stream("Why is the sky blue?")) { tokens.forEach(System.out::print); }
 * }</pre>
 *
 * <p>The model has no default: Ollama serves only the models pulled on that machine, so a guessed name would
 * fail at the first request instead of at {@code build()}. Thinking models stream their reasoning as
 * {@link LLMEvent.Thinking} when asked with {@code GenerateOptions.builder().extraBody("think", true)}; other
 * native fields ({@code keep_alive}, {@code format}) are set the same way.
 *
 * <p>Immutable and thread-safe: build one per application and share it. Streams read on the caller's thread;
 * no thread is started per request.
 */
public final class OllamaLLM extends HttpLLM {

    /** The default base URL; requests go to {@code {baseUrl}/api/chat}. */
    public static final String DEFAULT_BASE_URL = OllamaServer.DEFAULT_BASE_URL;
    /** The environment variable naming the server, as the {@code ollama} command reads it. */
    public static final String HOST_VARIABLE = OllamaServer.HOST_VARIABLE;
    /** The environment variable of an optional API key, sent as a bearer token (ollama.com, proxies). */
    public static final String API_KEY_VARIABLE = OllamaServer.API_KEY_VARIABLE;

    private OllamaLLM(Builder builder) {
        super(builder);
    }

    /** Returns a new builder. */
    public static Builder builder() {
        return new Builder(System::getenv);
    }

    /**
     * A builder of {@link OllamaLLM}. The base URL is the one set with {@link #baseUrl}, else the server named by
     * {@value OllamaLLM#HOST_VARIABLE}, else {@value OllamaLLM#DEFAULT_BASE_URL}. No key is needed; one set with
     * {@link #apiKey}, or {@value OllamaLLM#API_KEY_VARIABLE}, is sent as a bearer token. Not thread-safe.
     */
    public static final class Builder extends HttpLLMBuilder<Builder> {
        Builder(Function<String, @Nullable String> environment) {
            BuilderState.of(this).defaults(environment, null, DEFAULT_BASE_URL);
        }

        /**
         * Returns the client.
         *
         * @throws IllegalStateException when no model was set
         * @throws IllegalArgumentException when {@value OllamaLLM#HOST_VARIABLE} is not a host or URL
         */
        public OllamaLLM build() {
            BuilderState state = BuilderState.of(this);
            if (state.model() == null) {
                throw new IllegalStateException("ollama: no model; call .model(\"llama3.2\") with a model that"
                        + " `ollama list` shows");
            }
            String key = OllamaServer.apiKey(state);
            Map<String, String> headers = new HashMap<>(OllamaServer.authHeaders(key));
            headers.put("Accept", "application/x-ndjson");
            state.wire(OllamaServer.NAME, key, headers, new OllamaCodec(OllamaServer.baseUrl(state)));
            return new OllamaLLM(this);
        }
    }
}
