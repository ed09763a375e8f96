package io.synapsekit.server;

/**
 * Thrown by an {@link SseReplayBuffer} that cannot serve a stream it knows: its shared store is unreachable, or the
 * server producing the stream went away without finishing it. {@link SseResponse} ends the client's stream with an
 * {@code error} event carrying this message, then {@code [DONE]}.
 *
 * <p>The message names the stream and the cause and never carries a password.
 */
public final class SseReplayException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** Creates an exception with {@code message}, the text the client's {@code error} event shows. */
    public SseReplayException(String message) {
        super(message);
    }

    /** Creates an exception with {@code message} and the failure that caused it. */
    public SseReplayException(String message, Throwable cause) {
        super(message, cause);
    }
}
