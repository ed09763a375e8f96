package io.synapsekit.llm;

/** Thrown when no response could be had: the connection was refused, reset or failed before the headers. */
public final class ConnectionException extends LLMException {

    public ConnectionException(String provider, String message, Throwable cause) {
        super(provider, 0, message, "", cause);
    }

    @Override
    public boolean isRetryable() {
        return true;
    }
}
