package io.synapsekit.llm;

/**
 * Thrown when the provider reports an error inside an otherwise successful stream, e.g. an SSE {@code error}
 * event or an {@code {"error": …}} chunk, that does not pass with time: a bad request, a policy block, an
 * exhausted quota. Errors that do pass (overloaded, rate limited, a server error) are thrown as
 * {@link ServerException} and {@link RateLimitException} instead, and retried while nothing was delivered.
 */
public final class ProviderErrorException extends LLMException {

    private final String errorType;

    /**
     * Creates the error.
     *
     * @param errorType the provider's error type or code (e.g. {@code "overloaded_error"}), or {@code ""}
     */
    public ProviderErrorException(String provider, String errorType, String message, String partialText) {
        this(provider, errorType, message, PartialResult.ofText(partialText));
    }

    /**
     * Creates the error with everything delivered before it.
     *
     * @param errorType the provider's error type or code (e.g. {@code "overloaded_error"}), or {@code ""}
     */
    public ProviderErrorException(String provider, String errorType, String message, PartialResult partial) {
        super(provider, 0, message, partial, null);
        this.errorType = errorType == null ? "" : errorType;
    }

    /** Returns the provider's error type or code, or {@code ""} when it sent none. */
    public String errorType() {
        return errorType;
    }

    /**
     * Returns {@code true} only for an error type that passes with time (overload, rate limit, server error; the
     * library throws those as {@link ServerException} and {@link RateLimitException}) while nothing was delivered.
     */
    @Override
    public boolean isRetryable() {
        return io.synapsekit.internal.HttpErrors.isTransient(errorType) && partialResult().isEmpty();
    }
}
