package io.synapsekit.server;

import io.synapsekit.sse.SseEvent;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Keeps the events of recent streams so that a client that reconnects with {@code Last-Event-ID} receives the
 * rest of the same answer instead of triggering a second LLM call. {@link SseResponse} appends each event as it
 * is produced and reads them back for every connection, the first one included.
 *
 * <p>The contract is small on purpose, so that a shared store (Redis streams, a database) can implement it and
 * let a client resume on another server. Implementations must be thread-safe: one producer appends to a
 * stream while any number of connections read it. {@link InMemorySseReplayBuffer} is the bounded default.
 */
public interface SseReplayBuffer {

    /** Registers stream {@code streamId}, still without events, so that readers may wait for its first one. */
    void begin(String streamId);

    /**
     * Appends event number {@code seq} of stream {@code streamId}; numbers start at 1 and increase by one. The
     * buffer may drop old events or whole streams to stay within its limits.
     */
    void append(String streamId, long seq, SseEvent event);

    /** Marks stream {@code streamId} finished: no event follows the last one appended. */
    void complete(String streamId);

    /**
     * Returns the events of {@code streamId} numbered above {@code afterSeq}, waiting up to {@code wait} for at
     * least one when there is none yet and the stream is not complete.
     *
     * @return empty when the buffer does not know the stream (never seen, expired or evicted); otherwise a
     *     slice, possibly without events when the wait timed out
     * @throws InterruptedException when the waiting thread is interrupted
     */
    Optional<Slice> read(String streamId, long afterSeq, Duration wait) throws InterruptedException;

    /** Forgets stream {@code streamId}. */
    void discard(String streamId);

    /**
     * Events read from a stream.
     *
     * @param events the events in order, each carrying its id
     * @param lastSeq the number of the last event in {@code events}, or the {@code afterSeq} asked for when none
     * @param complete whether the stream is finished and {@code events} reach its end
     * @param gap whether events right after {@code afterSeq} were dropped, so the slice does not continue it
     */
    record Slice(List<SseEvent> events, long lastSeq, boolean complete, boolean gap) {
        public Slice {
            events = List.copyOf(Objects.requireNonNull(events, "events"));
        }
    }
}
