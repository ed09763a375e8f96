package io.synapsekit.server;

/** How a call to {@link SseResponse} ended; every outcome has released the source stream and its thread. */
public enum SseOutcome {
    /** The source ended and the client received everything, {@code [DONE]} last. */
    COMPLETED,
    /** The source failed; the client received an {@code error} event, then {@code [DONE]}. */
    FAILED,
    /**
     * The client went away (a write failed). Without a replay buffer the source was closed at once, which
     * cancels an LLM request or a graph run; with one, the answer goes on into the buffer for a while, so that
     * a reconnecting client can resume it.
     */
    CLIENT_GONE,
    /**
     * {@link SseResponse#resume} found nothing to resume (an unknown, expired or already finished stream) and
     * wrote nothing: answer {@code 204 No Content}, which tells an {@code EventSource} to stop reconnecting.
     */
    NOTHING_TO_RESUME
}
