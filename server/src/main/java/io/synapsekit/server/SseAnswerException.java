package io.synapsekit.server;

/**
 * An SSE answer that failed without an exception of its own (its source sent an {@code error} event), as the
 * failure its {@link io.synapsekit.observe.Work#SERVE_SSE} work ends with. Never thrown.
 */
final class SseAnswerException extends RuntimeException {

    SseAnswerException(String message) {
        super(message, null, false, false); // no stack: it describes an outcome, not where code failed
    }
}
