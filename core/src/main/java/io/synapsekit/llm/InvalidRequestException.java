package io.synapsekit.llm;

/**
 * Thrown when the provider rejects the request itself with an HTTP 4xx status other than 401, 403 and 429:
 * a bad parameter (400, 422), an unknown model or path (404), and so on. Retryable only for 408 (request
 * timeout) and 409 (conflict), which providers use for passing conditions.
 */
public final class InvalidRequestException extends LLMException {

    /** Creates the error. */
    public InvalidRequestException(String provider, int httpStatus, String message) {
        super(provider, httpStatus, message, PartialResult.EMPTY, null);
    }

    @Override
    public boolean isRetryable() {
        int status = httpStatus().orElse(0);
        return status == 408 || status == 409;
    }
}
