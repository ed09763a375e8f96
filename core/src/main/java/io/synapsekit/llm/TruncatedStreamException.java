package io.synapsekit.llm;

import org.jspecify.annotations.Nullable;

/**
 * Thrown when a stream ends before the provider's end marker: the connection dropped or the server stopped
 * mid-answer. {@link #partialResult()} holds what arrived.
 */
public final class TruncatedStreamException extends LLMException {

    /** Creates the error with everything delivered before it. */
    public TruncatedStreamException(String provider, String message, @Nullable PartialResult partial,
            @Nullable Throwable cause) {
        super(provider, 0, message, partial, cause);
    }
}
