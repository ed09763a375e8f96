package io.synapsekit.llm;

/** Thrown when the provider rejects the credentials (HTTP 401 or 403), or when none are configured. */
public final class AuthenticationException extends LLMException {

    public AuthenticationException(String provider, int httpStatus, String message, Throwable cause) {
        super(provider, httpStatus, message, "", cause);
    }
}
