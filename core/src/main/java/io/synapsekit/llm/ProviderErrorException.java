package io.synapsekit.llm;

/**
 * Thrown when the provider reports an error inside an otherwise successful stream, e.g. an SSE {@code error}
 * event or an {@code {"error": …}} chunk after some tokens.
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

    /** Returns {@code true} for overload and server-side error types, which pass with time. */
    @Override
    public boolean isRetryable() {
        String t = errorType.toLowerCase(java.util.Locale.ROOT);
        return t.contains("overloaded") || t.contains("server_error") || t.contains("rate_limit")
                || t.contains("unavailable");
    }
}
