package io.synapsekit.llm;

import java.util.OptionalInt;

/**
 * The base of every error an LLM call throws: unchecked, typed by cause, and never losing the text already
 * streamed.
 *
 * <p>The message names the provider, the HTTP status where there was one, and the provider's own words, cut to
 * a readable length. It never contains an API key. {@link #partialText()} holds the answer text delivered before
 * the failure, so a caller can show or keep what arrived.
 *
 * <p>Subclasses exist for each cause a caller can act on; {@link #isRetryable()} is the one question retry logic
 * needs to ask.
 */
public class LLMException extends RuntimeException {

    private final String provider;
    private final int httpStatus;
    private final String partialText;

    /**
     * Creates an error.
     *
     * @param provider the provider's short name, e.g. {@code "openai"}
     * @param httpStatus the HTTP status, or {@code 0} when the failure had none
     * @param message what went wrong, without the provider prefix (it is added)
     * @param partialText the answer text delivered before the failure; {@code null} is taken as empty
     * @param cause the underlying failure, or {@code null}
     */
    public LLMException(String provider, int httpStatus, String message, String partialText, Throwable cause) {
        super(prefix(provider, httpStatus) + message, cause);
        this.provider = provider == null ? "llm" : provider;
        this.httpStatus = httpStatus;
        this.partialText = partialText == null ? "" : partialText;
    }

    private static String prefix(String provider, int status) {
        String p = provider == null ? "llm" : provider;
        return status > 0 ? p + ": HTTP " + status + ": " : p + ": ";
    }

    /** Returns the provider's short name, e.g. {@code "openai"}. */
    public String provider() {
        return provider;
    }

    /** Returns the HTTP status of the failed response, if the failure had one. */
    public OptionalInt httpStatus() {
        return httpStatus > 0 ? OptionalInt.of(httpStatus) : OptionalInt.empty();
    }

    /** Returns the answer text delivered before the failure; never {@code null}, {@code ""} when none. */
    public String partialText() {
        return partialText;
    }

    /**
     * Returns whether sending the same request again may succeed. Retrying is only safe before any token was
     * delivered; this library never retries after that.
     */
    public boolean isRetryable() {
        return false;
    }
}
