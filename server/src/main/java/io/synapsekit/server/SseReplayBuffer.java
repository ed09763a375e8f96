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
 *
 * <p><b>Shared stores.</b> When the buffer is shared, a stream's producer and its readers may be on different
 * servers. Two more methods then matter: every connection that reads a stream says so with {@link #reading}, and
 * the producer asks {@link #hasReaders} before cancelling an answer that no client of its own reads any more, so
 * that an answer keeps running while a client on another server reads it. Their defaults suit a buffer of one
 * process, whose producer sees every reader itself. The write methods ({@link #begin}, {@link #append},
 * {@link #complete}) never fail for the store's sake: a shared store that fails keeps serving the readers of this
 * process and stops serving others, whose {@link #read} then throws {@link SseReplayException}.
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
     * @throws SseReplayException when a shared store cannot serve the stream: unreachable, or the stream's
     *     producer went away without finishing it
     */
    Optional<Slice> read(String streamId, long afterSeq, Duration wait) throws InterruptedException;

    /** Forgets stream {@code streamId}. */
    void discard(String streamId);

    /**
     * Notes that a connection of this process reads stream {@code streamId}, until the returned registration is
     * closed and then for {@code grace} more (the time its client has to reconnect, here or on another server).
     * The default registers nothing: in one process the producer counts its readers itself.
     */
    default Registration reading(String streamId, Duration grace) {
        return Registration.NONE;
    }

    /**
     * Returns whether any server sharing this buffer has a connection reading {@code streamId}, or had one less
     * than its grace ago (see {@link #reading}). The producer asks this before cancelling an answer that no client
     * of its own reads. The default, for a buffer of one process, is {@code false}.
     *
     * @throws SseReplayException when the shared store cannot be asked
     */
    default boolean hasReaders(String streamId) {
        return false;
    }

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
