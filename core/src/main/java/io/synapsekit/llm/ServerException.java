package io.synapsekit.llm;

import java.time.Duration;
import java.util.Optional;

/** Thrown when the provider fails with an HTTP 5xx status. Retryable. */
public final class ServerException extends LLMException {

    private final Duration retryAfter;

    public ServerException(String provider, int httpStatus, String message, Duration retryAfter) {
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
