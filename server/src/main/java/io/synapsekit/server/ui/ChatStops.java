package io.synapsekit.server.ui;

/**
 * Delivers "stop this answer" to wherever the answer is being generated: the server that got
 * {@code POST {api}/{chatId}/stop} may not be the one running it. The server running an answer
 * {@linkplain #listen listens} for its stream id for as long as it runs.
 *
 * <p>Small on purpose, so that a shared channel (Redis pub/sub, say) can implement it; {@link InMemoryChatStops}
 * works within this process. Implementations are thread-safe.
 */
public interface ChatStops {

    /** Asks the answer of stream {@code streamId} to stop, wherever it runs; nothing happens when none runs. */
    void stop(String streamId);

    /**
     * Runs {@code onStop} when a {@link #stop} for {@code streamId} arrives, until the returned registration is
     * closed. {@code onStop} must be quick and must not block (it closes the answer's stream).
     */
    Registration listen(String streamId, Runnable onStop);

    /** A listener's registration; closing it, idempotent and from any thread, ends the listening. */
    interface Registration extends AutoCloseable {
        @Override
        void close();
    }
}
