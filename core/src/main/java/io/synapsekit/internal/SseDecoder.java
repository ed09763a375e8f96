package io.synapsekit.internal;

import io.synapsekit.llm.LLMEvent;
import io.synapsekit.sse.SseEvent;
import io.synapsekit.sse.SseParser;
import java.io.InputStream;
import java.util.function.Consumer;

/**
 * A decoder of a provider that streams Server-Sent Events: reads one event per call and hands it to the provider's
 * own rules; at the body's end, asks them whether the answer was complete.
 */
public abstract class SseDecoder implements EventDecoder {

    /** The stream being decoded: its partial result and the errors it raises. */
    protected final StreamContext context;
    private final SseParser events;
    private final String missingEnd;
    private boolean anyEvent;

    /**
     * Creates a decoder of {@code body}.
     *
     * @param missingEnd what a stream that stops early missed, after "stream ended ", e.g.
     *     {@code "before message_stop"}
     */
    protected SseDecoder(InputStream body, StreamContext context, String missingEnd) {
        this.events = SseParser.events(body, context.maxEventBytes());
        this.context = context;
        this.missingEnd = missingEnd;
    }

    @Override
    public final boolean next(Consumer<LLMEvent> out) {
        if (!events.hasNext()) {
            if (ended(out)) {
                return false;
            }
            throw context.truncated(anyEvent ? "stream ended " + missingEnd
                    : "response ended without any SSE event" + noEventDetail());
        }
        anyEvent = true;
        return decode(events.next(), out);
    }

    /** Decodes one event; returns {@code false} once it was the provider's last. */
    protected abstract boolean decode(SseEvent event, Consumer<LLMEvent> out);

    /**
     * Returns whether the answer is complete although the body ended before the provider's end marker, having
     * emitted what was held back for the end; {@code false} makes the end a truncation. By default it is one.
     */
    protected boolean ended(Consumer<LLMEvent> out) {
        return false;
    }

    /** Returns what to add to the error for a body without any event, e.g. its content type; {@code ""} by default. */
    protected String noEventDetail() {
        return "";
    }
}
