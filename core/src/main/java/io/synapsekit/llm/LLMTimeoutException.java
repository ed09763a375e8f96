package io.synapsekit.llm;

import java.time.Duration;
import org.jspecify.annotations.Nullable;

/** Thrown when a call took longer than one of its time limits. {@link #partialResult()} holds what arrived. */
public final class LLMTimeoutException extends LLMException {

    /** Which limit ran out. */
    public enum Kind {
        /** Opening the connection. */
        CONNECT,
        /** Waiting for the response headers. */
        HEADERS,
        /**
         * Waiting for the first content after sending the request: answer text, thinking, a tool call or a
         * refusal.
         */
        FIRST_TOKEN,
        /** The gap between two chunks of the response. */
        IDLE,
        /** The whole call. */
        TOTAL
    }

    private final Kind kind;
    private final Duration limit;

    /** Creates the error with everything delivered before it. */
    public LLMTimeoutException(String provider, Kind kind, Duration limit, @Nullable PartialResult partial,
            @Nullable Throwable cause) {
        super(provider, 0, describe(kind) + " timed out after " + limit.toMillis() + " ms", partial, cause);
        this.kind = kind;
        this.limit = limit;
    }

    private static String describe(Kind kind) {
        return switch (kind) {
            case CONNECT -> "connecting";
            case HEADERS -> "waiting for response headers";
            case FIRST_TOKEN -> "waiting for the first token";
            case IDLE -> "waiting for the next chunk (idle)";
            case TOTAL -> "the whole call";
        };
    }

    /** Returns which limit ran out. */
    public Kind kind() {
        return kind;
    }

    /** Returns the limit that ran out. */
    public Duration limit() {
        return limit;
    }

    /**
     * Returns {@code true} when the model had delivered nothing yet (connect, headers, first token): no answer
     * text, thinking, refusal or tool call.
     */
    @Override
    public boolean isRetryable() {
        return partialResult().isEmpty() && kind != Kind.TOTAL;
    }
}
