package io.synapsekit.llm;

import io.synapsekit.stream.CloseableIterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * An {@link LLMStream} over any event iterator: yields the tokens and keeps everything else on the side.
 *
 * <p>Works for every {@link LLM}, including users' own, because it needs only the events. After
 * a failure it keeps what was delivered, and the usage the error reports if no usage event had come.
 *
 * <p>One thread iterates; any thread may read the side values at any time and sees a consistent state as of some
 * moment of the read: the text, thinking and refusal are each a prefix of what they become, the tool calls a
 * prefix of the final list. The iterating thread publishes each state without a lock (see {@link PublishedText}).
 */
final class TokenStream implements LLMStream {

    private final CloseableIterator<LLMEvent> events;
    private final PublishedText text = new PublishedText();
    private final PublishedText thinking = new PublishedText();
    private final PublishedText refusal = new PublishedText();
    private volatile List<LLMEvent.ToolCall> toolCalls = List.of(); // immutable; replaced when a call is added
    private volatile LLMEvent.@Nullable Usage usage;
    private volatile @Nullable String finishReason;
    private @Nullable String next;

    TokenStream(CloseableIterator<LLMEvent> events) {
        this.events = events;
    }

    @Override
    public boolean hasNext() {
        try {
            return advance();
        } catch (LLMException e) {
            // Keep what the failure reports beyond the events delivered: usage held back until the end.
            if (usage == null && e.usage().isPresent()) {
                usage = e.usage().get();
            }
            throw e;
        }
    }

    private boolean advance() {
        while (next == null) {
            if (!events.hasNext()) {
                return false;
            }
            switch (events.next()) {
                case LLMEvent.Token t -> {
                    text.append(t.text());
                    next = t.text();
                }
                case LLMEvent.Thinking t -> thinking.append(t.text());
                case LLMEvent.Refusal r -> refusal.append(r.text());
                case LLMEvent.ToolCall c -> toolCalls = append(toolCalls, c);
                case LLMEvent.Usage u -> usage = u;
                case LLMEvent.Finish f -> finishReason = f.reason();
                case LLMEvent.ToolCallDelta d -> { }
                case LLMEvent.Raw r -> { }
            }
        }
        return true;
    }

    @Override
    public String next() {
        if (!hasNext()) {
            throw new NoSuchElementException("the answer has ended");
        }
        String token = next;
        next = null;
        return token;
    }

    @Override
    public String text() {
        return text.toString();
    }

    @Override
    public String thinking() {
        return thinking.toString();
    }

    @Override
    public String refusal() {
        return refusal.toString();
    }

    @Override
    public Optional<LLMEvent.Usage> usage() {
        return Optional.ofNullable(usage);
    }

    @Override
    public Optional<String> finishReason() {
        return Optional.ofNullable(finishReason);
    }

    @Override
    public List<LLMEvent.ToolCall> toolCalls() {
        return toolCalls;
    }

    /** Returns {@code calls} and {@code call}, as a new immutable list: calls are few, reads may be many. */
    private static List<LLMEvent.ToolCall> append(List<LLMEvent.ToolCall> calls, LLMEvent.ToolCall call) {
        LLMEvent.ToolCall[] grown = calls.toArray(new LLMEvent.ToolCall[calls.size() + 1]);
        grown[calls.size()] = call;
        return List.of(grown);
    }

    @Override
    public void close() {
        events.close();
    }

    @Override
    public String toString() {
        return "LLMStream[" + text.length() + " chars so far" + (finishReason == null ? "" : ", finished: " + finishReason)
                + "]";
    }
}
