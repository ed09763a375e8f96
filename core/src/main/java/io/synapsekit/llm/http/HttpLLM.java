package io.synapsekit.llm.http;

import io.synapsekit.internal.BuilderState;
import io.synapsekit.internal.HttpChat;
import io.synapsekit.llm.ChatMessage;
import io.synapsekit.llm.GenerateOptions;
import io.synapsekit.llm.LLM;
import io.synapsekit.llm.LLMEvent;
import io.synapsekit.stream.CloseableIterator;
import java.util.List;

/**
 * A large language model behind an HTTP API: what the providers' clients ({@code OpenAILLM}, {@code AnthropicLLM},
 * {@code GeminiLLM}, {@code OllamaLLM}) have in common, each built by its {@link HttpLLMBuilder}.
 *
 * <p>Every request goes through one HTTP client: its retries before any token, time limits, rate limit, headers
 * and typed errors are the same for every provider; only the wire format differs. Streams read on the caller's
 * thread; no thread is started per request.
 *
 * <p>Immutable and thread-safe: build one per application and share it.
 */
public abstract class HttpLLM implements LLM {

    private final HttpChat chat;

    /**
     * Creates the client {@code builder} describes.
     *
     * @apiNote Protected only because each provider's client extends this class from its own package. The wire
     *     format comes from the provider's builder through a route that is not API, so a subclass written
     *     elsewhere fails here with an {@link IllegalStateException}: to add a provider, implement {@link LLM}.
     */
    protected HttpLLM(HttpLLMBuilder<?> builder) {
        this.chat = BuilderState.of(builder).chat(getClass().getSimpleName());
    }

    /** Returns the model requests use unless their options name another. */
    public final String model() {
        return chat.model();
    }

    @Override
    public final CloseableIterator<LLMEvent> eventIterator(List<ChatMessage> messages, GenerateOptions options) {
        return chat.open(messages, options);
    }

    /** Returns the class, model and URL of this client; never its key or headers. */
    @Override
    public final String toString() {
        return chat.toString();
    }
}
