package io.synapsekit.llm;

import org.jspecify.annotations.Nullable;

/** Thrown when the provider rejects the credentials (HTTP 401 or 403), or when none are configured. */
public final class AuthenticationException extends LLMException {

    /**
     * Creates the error.
     *
     * @param httpStatus the HTTP status, or {@code 0} when no key was configured
     */
    public AuthenticationException(String provider, int httpStatus, String message, @Nullable Throwable cause) {
        super(provider, httpStatus, message, PartialResult.EMPTY, cause);
    }
}
