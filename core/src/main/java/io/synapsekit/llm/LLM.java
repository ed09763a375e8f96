package io.synapsekit.llm;

import io.synapsekit.stream.CloseableIterator;
import java.util.List;
import java.util.stream.Stream;

/**
 * A large language model that streams its answers.
 *
 * <p>Every method blocks the calling thread, which is meant to be a virtual thread or any thread that may wait;
 * no thread is started per request. Streams hold an HTTP connection until they reach their end, fail, or are
 * closed: use them in try-with-resources.
 *
 * <pre>{@code
 * LLM llm = OpenAILLM.builder().model("gpt-4o-mini").build();
 * try (Stream<String> tokens = llm.stream("Tell me about RAG in three sentences")) {
 *     tokens.forEach(t -> { System.out.print(t); System.out.flush(); });
 * }
 * String summary = llm.generate("Summarize quantum computing", GenerateOptions.system("Be concise."));
 * }</pre>
 *
 * <p>Implementations are immutable and thread-safe: share one instance across the application. To add a
 * provider, implement {@link #eventIterator(List, GenerateOptions)}; everything else derives from it.
 */
public interface LLM {

    /**
     * Sends a conversation and returns its response as typed events. This is the one method an implementation
     * must provide.
     *
     * @throws LLMException when the request fails before the stream starts (authentication, rate limit, ...);
     *     failures during the stream are thrown by the iterator, carrying the partial text
     */
    CloseableIterator<LLMEvent> eventIterator(List<ChatMessage> messages, GenerateOptions options);

    /** Returns the typed events of the response to a conversation, as a stream to close. */
    default Stream<LLMEvent> events(List<ChatMessage> messages, GenerateOptions options) {
        return eventIterator(messages, options).stream();
    }

    /** Returns the typed events of the response to {@code prompt}, as a stream to close. */
    default Stream<LLMEvent> events(String prompt, GenerateOptions options) {
        return events(List.of(ChatMessage.user(prompt)), options);
    }

    /** Returns the typed events of the response to {@code prompt}, as a stream to close. */
    default Stream<LLMEvent> events(String prompt) {
        return events(prompt, GenerateOptions.defaults());
    }

    /**
     * Opens the answer to a conversation: an iterator of its tokens to close, with the usage, finish reason and
     * tool calls on the side.
     */
    default LLMStream open(List<ChatMessage> messages, GenerateOptions options) {
        return LLMStream.of(eventIterator(messages, options));
    }

    /** Opens the answer to {@code prompt}: its tokens, then usage, finish reason and tool calls. */
    default LLMStream open(String prompt, GenerateOptions options) {
        return open(List.of(ChatMessage.user(prompt)), options);
    }

    /** Opens the answer to {@code prompt} with default options. */
    default LLMStream open(String prompt) {
        return open(prompt, GenerateOptions.defaults());
    }

    /** Streams the answer tokens to a conversation. Close the stream, or read it to its end. */
    default Stream<String> stream(List<ChatMessage> messages, GenerateOptions options) {
        return open(messages, options).stream();
    }

    /** Streams the answer tokens to {@code prompt}. Close the stream, or read it to its end. */
    default Stream<String> stream(String prompt, GenerateOptions options) {
        return open(prompt, options).stream();
    }

    /** Streams the answer tokens to {@code prompt} with default options. Close the stream, or read it to its end. */
    default Stream<String> stream(String prompt) {
        return stream(prompt, GenerateOptions.defaults());
    }

    /**
     * Returns the whole answer to a conversation, waiting for the stream to end.
     *
     * @throws LLMException on failure; its {@link LLMException#partialResult()} holds what arrived
     */
    default String generate(List<ChatMessage> messages, GenerateOptions options) {
        try (LLMStream answer = open(messages, options)) {
            while (answer.hasNext()) {
                answer.next();
            }
            return answer.text();
        }
    }

    /** Returns the whole answer to {@code prompt}, waiting for the stream to end. */
    default String generate(String prompt, GenerateOptions options) {
        return generate(List.of(ChatMessage.user(prompt)), options);
    }

    /** Returns the whole answer to {@code prompt} with default options, waiting for the stream to end. */
    default String generate(String prompt) {
        return generate(prompt, GenerateOptions.defaults());
    }

    /**
     * Returns the answer to {@code prompt} as a {@code type} record, asking the provider for JSON that follows the
     * record's schema (OpenAI {@code response_format}, Anthropic forced tool use, Gemini {@code responseSchema},
     * Ollama {@code format}); waits for the whole answer and parses it once.
     *
     * @throws StructuredOutputException when the model refuses or its JSON does not fit, with the raw text
     * @throws IllegalArgumentException when a component of {@code type} has no JSON Schema, naming it
     */
    default <T extends Record> T generate(String prompt, Class<T> type) {
        return generate(List.of(ChatMessage.user(prompt)), GenerateOptions.defaults(), type);
    }

    /** Returns the answer to a conversation as a {@code type} record; see {@link #generate(String, Class)}. */
    default <T extends Record> T generate(List<ChatMessage> messages, GenerateOptions options, Class<T> type) {
        return StructuredOutput.of(type).generate(this, messages, options);
    }

    /**
     * Streams the answer to {@code prompt} as partial {@code type} records while the model writes it: one each time
     * a value of the JSON completes, holding every field completed so far (missing ones {@code null}, or zero for
     * primitives), then last the whole answer, validated. The JSON is read incrementally, each character once.
     * Close the stream, or read it to its end.
     *
     * @apiNote a record whose constructor rejects missing components yields a partial only once it binds.
     * @throws StructuredOutputException from the stream when the model refuses or its JSON does not fit, with the
     *     raw text
     */
    default <T extends Record> Stream<T> streamObjects(String prompt, Class<T> type) {
        return streamObjects(List.of(ChatMessage.user(prompt)), GenerateOptions.defaults(), type);
    }

    /** Streams the answer to a conversation as partial records; see {@link #streamObjects(String, Class)}. */
    default <T extends Record> Stream<T> streamObjects(List<ChatMessage> messages, GenerateOptions options,
            Class<T> type) {
        StructuredOutput<T> output = StructuredOutput.of(type);
        return output.partials(eventIterator(messages, output.options(options))).stream();
    }
}
