package io.synapsekit.llm;

/** Thrown when the provider rejects the credentials (HTTP 401 or 403), or when none are configured. */
public final class AuthenticationException extends LLMException {

    /**
     * Creates the error.
     *
     * @param httpStatus the HTTP status, or {@code 0} when no key was configured
     */
    public AuthenticationException(String provider, int httpStatus, String message, Throwable cause) {
        super(provider, httpStatus, message, PartialResult.EMPTY, cause);
    }
}
