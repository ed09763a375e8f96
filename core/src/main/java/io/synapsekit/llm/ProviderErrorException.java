package io.synapsekit.llm;

import org.jspecify.annotations.Nullable;

/**
 * Thrown when the provider reports an error inside an otherwise successful stream, e.g. an SSE {@code error}
 * event or an {@code {"error": …}} chunk, that does not pass with time: a bad request, a policy block, an
 * exhausted quota. Errors that do pass (overloaded, rate limited, a server error) are thrown as
 * {@link ServerException} and {@link RateLimitException} instead, and retried while nothing was delivered; so this
 * one is never retryable.
 */
public final class ProviderErrorException extends LLMException {

    private final String errorType;

    /**
     * Creates the error with everything delivered before it.
     *
     * @param errorType the provider's error type or code (e.g. {@code "invalid_request_error"}), or {@code ""}
     */
    public ProviderErrorException(String provider, String errorType, String message,
            @Nullable PartialResult partial) {
        super(provider, 0, message, partial, null);
        this.errorType = errorType == null ? "" : errorType;
    }

    /** Returns the provider's error type or code, or {@code ""} when it sent none. */
    public String errorType() {
        return errorType;
    }
}
