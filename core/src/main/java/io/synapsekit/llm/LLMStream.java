package io.synapsekit.llm;

import io.synapsekit.stream.CloseableIterator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The answer tokens of one LLM request, with what the provider reported about them once the stream ends.
 *
 * <p>Iterating yields answer tokens only; thinking text, a refusal, tool calls, usage and the finish reason are
 * collected on the side and readable at any time, from any thread (complete once {@code hasNext()} has returned
 * {@code false}, and kept after a failure): a user interface may poll {@link #text()} while another thread reads.
 * Each read sees the stream as of some moment: text, thinking and refusal are prefixes of what they become, the
 * tool calls a prefix of the final list.
 *
 * <pre>{@code
 * try (LLMStream answer = llm.open("Tell me about RAG")) {
 *     answer.forEachRemaining(System.out::print);
 *     System.out.println("\n" + answer.usage().map(LLMEvent.Usage::completionTokens).orElse(null) + " tokens");
 * }
 * }</pre>
 *
 * <p>Holds the HTTP connection until it is exhausted, fails or is closed; each of these releases it.
 * {@code close()} is idempotent and may be called from any thread; a reader blocked in {@code hasNext()} wakes.
 * One thread iterates. Interrupting it cancels the request with a {@link CancelledException} that carries the
 * partial result.
 */
public interface LLMStream extends CloseableIterator<String> {

    /** Returns the answer text delivered so far (all of it once the stream has ended). */
    String text();

    /** Returns the reasoning ("thinking") text received so far; {@code ""} when the model sent none. */
    String thinking();

    /**
     * Returns the model's refusal to answer received so far; {@code ""} when it sent none. A refusal is never
     * among the answer tokens.
     */
    String refusal();

    /** Returns the token counts, once the provider has reported them. */
    Optional<LLMEvent.Usage> usage();

    /** Returns the provider's finish reason, once it has been received. */
    Optional<String> finishReason();

    /** Returns the tool calls assembled so far, in index order, as an immutable list. */
    List<LLMEvent.ToolCall> toolCalls();

    /**
     * Returns the answer carried by {@code events}: their tokens, with everything else kept on the side. Works for
     * any {@link LLM}, a user's own included, as it needs only the events; it is what {@link LLM#open} returns.
     * Closing the answer closes {@code events}.
     */
    static LLMStream of(CloseableIterator<LLMEvent> events) {
        return new TokenStream(Objects.requireNonNull(events, "events"));
    }
}
