package io.synapsekit.llm;

import java.time.Duration;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Thrown when the provider refuses a request for too many requests or tokens: HTTP 429, or a rate-limit error
 * reported inside a successful stream. Retryable while nothing was delivered.
 */
public final class RateLimitException extends LLMException {

    private final @Nullable Duration retryAfter;

    /**
     * Creates the error with everything delivered before it.
     *
     * @param httpStatus the HTTP status, or {@code 0} when the limit was reported inside a successful stream
     * @param retryAfter how long the provider asked to wait ({@code Retry-After}, {@code retry-after-ms}), or
     *     {@code null} when it did not say
     */
    public RateLimitException(String provider, int httpStatus, String message, @Nullable Duration retryAfter,
            @Nullable PartialResult partial) {
        super(provider, httpStatus, message, partial, null);
        this.retryAfter = retryAfter;
    }

    /** Returns how long the provider asked to wait before trying again, if it said. */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }

    /** Returns {@code true} while nothing was delivered: once content was, sending again would repeat it. */
    @Override
    public boolean isRetryable() {
        return partialResult().isEmpty();
    }
}
