package io.synapsekit.llm;

import org.jspecify.annotations.Nullable;

/** Thrown when no response could be had: the connection was refused, reset or failed before the headers. */
public final class ConnectionException extends LLMException {

    /** Creates the error. */
    public ConnectionException(String provider, String message, @Nullable Throwable cause) {
        super(provider, 0, message, PartialResult.EMPTY, cause);
    }

    @Override
    public boolean isRetryable() {
        return true;
    }
}
