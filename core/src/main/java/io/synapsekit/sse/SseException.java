package io.synapsekit.sse;

/** Thrown when an event stream breaks a limit, such as a line or event larger than the parser's bound. */
public final class SseException extends RuntimeException {

    SseException(String message) {
        super(message);
    }
}
