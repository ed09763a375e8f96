package io.synapsekit.server;

import java.util.Optional;

/**
 * Stops resumable streams and finds them by a key of the caller's choice (a chat id), wherever they run: on this
 * server for {@link #inProcess()}, on any server sharing a store for a shared implementation (Redis, in
 * {@code synapsekit-redis}). With it a browser's "stop" button and its resume need no sticky session.
 *
 * <p>The producer of a stream calls {@link #onStop} while it runs; any server calls {@link #stop}. A protocol that
 * resumes by chat id records the chat's current stream with {@link #markActive} and looks it up with
 * {@link #activeStream}.
 *
 * <p>Implementations are thread-safe.
 */
public interface StreamControl {

    /**
     * Runs {@code stop} (once, on some thread of the implementation's) when a stop of {@code streamId} is requested
     * from any server, until the returned registration is closed. {@code stop} must be quick and must not block:
     * it should cancel the stream's source, e.g. close the LLM stream.
     */
    Registration onStop(String streamId, Runnable stop);

    /**
     * Requests that stream {@code streamId} stop, wherever it is produced. Returns at once; the producer's
     * {@link #onStop} action runs soon after (on another server, after a round trip through the shared store). A
     * stream that has finished or is unknown is left as it is.
     */
    void stop(String streamId);

    /** Records {@code streamId} as the stream currently answering {@code key} (a chat id), replacing any other. */
    void markActive(String key, String streamId);

    /** Returns the stream currently answering {@code key}, if one was {@linkplain #markActive marked} and not cleared. */
    Optional<String> activeStream(String key);

    /** Clears {@code key}'s active stream if it is still {@code streamId}; a newer stream's mark is kept. */
    void clearActive(String key, String streamId);

    /** Returns a control that reaches the streams of this process only: the default of {@link SseResponse}. */
    static StreamControl inProcess() {
        return new InProcessStreamControl();
    }
}
