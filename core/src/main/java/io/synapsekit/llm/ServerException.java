package io.synapsekit.llm;

import java.time.Duration;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Thrown when the provider fails on its side: an HTTP 5xx status, or an overload or server error reported inside
 * a successful stream (Anthropic's {@code overloaded_error}, OpenAI's {@code server_error}). Retryable while nothing
 * was delivered.
 */
public final class ServerException extends LLMException {

    private final @Nullable Duration retryAfter;

    /**
     * Creates the error with everything delivered before it.
     *
     * @param httpStatus the HTTP status, or {@code 0} when the failure was reported inside a successful stream
     * @param retryAfter how long the provider asked to wait, or {@code null} when it did not say
     */
    public ServerException(String provider, int httpStatus, String message, @Nullable Duration retryAfter,
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
