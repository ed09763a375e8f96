package io.synapsekit.llm;

import org.jspecify.annotations.Nullable;

/**
 * Thrown to the reading thread when it is interrupted while waiting for a stream. The request is cancelled on
 * the wire and the thread's interrupt flag stays set. {@link #partialResult()} holds what arrived.
 */
public final class CancelledException extends LLMException {

    /** Creates the error with everything delivered before it. */
    public CancelledException(String provider, @Nullable PartialResult partial, @Nullable Throwable cause) {
        super(provider, 0, "stream cancelled by interrupt", partial, cause);
    }
}
