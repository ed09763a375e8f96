package io.synapsekit.llm;

import java.time.Duration;
import java.util.Optional;

/** Thrown when the provider refuses a request for too many requests or tokens (HTTP 429). Retryable. */
public final class RateLimitException extends LLMException {

    private final Duration retryAfter;

    /**
     * Creates the error.
     *
     * @param retryAfter how long the provider asked to wait ({@code Retry-After}, {@code retry-after-ms}), or
     *     {@code null} when it did not say
     */
    public RateLimitException(String provider, int httpStatus, String message, Duration retryAfter) {
        super(provider, httpStatus, message, "", null);
        this.retryAfter = retryAfter;
    }

    /** Returns how long the provider asked to wait before trying again, if it said. */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }

    @Override
    public boolean isRetryable() {
        return true;
    }
}
