package io.synapsekit.internal;

import java.time.Duration;
import java.util.Objects;

/**
 * Time limits and retry policy of an HTTP LLM client.
 *
 * @param firstTokenTimeout from sending the request to the first content (answer text, thinking, a tool call, a
 *     refusal); also bounds the wait for headers
 * @param idleTimeout the longest silence on the wire once the headers have arrived
 * @param totalTimeout the whole call, or {@link Duration#ZERO} for none
 * @param maxRetries attempts after the first, made only before any token was delivered
 * @param retryBaseDelay the first backoff delay; doubled per attempt, with jitter
 * @param maxRetryDelay the longest wait between attempts; a longer {@code Retry-After} is not waited for
 * @param maxEventBytes the most bytes one SSE line or event may have
 * @param requestsPerMinute a client-side limit shared by all calls of one client, or 0 for none
 */
public record ClientSettings(
        Duration firstTokenTimeout,
        Duration idleTimeout,
        Duration totalTimeout,
        int maxRetries,
        Duration retryBaseDelay,
        Duration maxRetryDelay,
        int maxEventBytes,
        int requestsPerMinute) {

    /** Reasoning models may think for minutes before their first token. */
    static final Duration DEFAULT_FIRST_TOKEN_TIMEOUT = Duration.ofMinutes(10);
    static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofMinutes(5);
    static final int DEFAULT_MAX_RETRIES = 2;
    static final int DEFAULT_MAX_EVENT_BYTES = 8 * 1024 * 1024;

    public ClientSettings {
        positive("firstTokenTimeout", firstTokenTimeout);
        positive("idleTimeout", idleTimeout);
        Objects.requireNonNull(totalTimeout, "totalTimeout");
        if (totalTimeout.isNegative()) {
            throw new IllegalArgumentException("totalTimeout must not be negative: " + totalTimeout);
        }
        if (maxRetries < 0) {
            throw new IllegalArgumentException("maxRetries must not be negative: " + maxRetries);
        }
        positive("retryBaseDelay", retryBaseDelay);
        positive("maxRetryDelay", maxRetryDelay);
        if (maxEventBytes < 1024) {
            throw new IllegalArgumentException("maxEventBytes must be at least 1024: " + maxEventBytes);
        }
        if (requestsPerMinute < 0) {
            throw new IllegalArgumentException("requestsPerMinute must not be negative: " + requestsPerMinute);
        }
    }

    /** Returns the defaults. */
    static ClientSettings defaults() {
        return new ClientSettings(DEFAULT_FIRST_TOKEN_TIMEOUT, DEFAULT_IDLE_TIMEOUT, Duration.ZERO,
                DEFAULT_MAX_RETRIES, Duration.ofMillis(500), Duration.ofSeconds(60), DEFAULT_MAX_EVENT_BYTES, 0);
    }

    /** Returns how long to wait for response headers: the first-token limit, or the total one when shorter. */
    Duration headersTimeout() {
        return totalTimeout.isZero() || firstTokenTimeout.compareTo(totalTimeout) < 0 ? firstTokenTimeout
                : totalTimeout;
    }

    static void positive(String name, Duration d) {
        Objects.requireNonNull(d, name);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be positive: " + d);
        }
    }

    public ClientSettings withFirstTokenTimeout(Duration d) {
        return new ClientSettings(d, idleTimeout, totalTimeout, maxRetries, retryBaseDelay, maxRetryDelay,
                maxEventBytes, requestsPerMinute);
    }

    public ClientSettings withIdleTimeout(Duration d) {
        return new ClientSettings(firstTokenTimeout, d, totalTimeout, maxRetries, retryBaseDelay, maxRetryDelay,
                maxEventBytes, requestsPerMinute);
    }

    public ClientSettings withTotalTimeout(Duration d) {
        return new ClientSettings(firstTokenTimeout, idleTimeout, d, maxRetries, retryBaseDelay, maxRetryDelay,
                maxEventBytes, requestsPerMinute);
    }

    public ClientSettings withMaxRetries(int n) {
        return new ClientSettings(firstTokenTimeout, idleTimeout, totalTimeout, n, retryBaseDelay, maxRetryDelay,
                maxEventBytes, requestsPerMinute);
    }

    public ClientSettings withRetryDelays(Duration base, Duration max) {
        return new ClientSettings(firstTokenTimeout, idleTimeout, totalTimeout, maxRetries, base, max,
                maxEventBytes, requestsPerMinute);
    }

    public ClientSettings withMaxEventBytes(int n) {
        return new ClientSettings(firstTokenTimeout, idleTimeout, totalTimeout, maxRetries, retryBaseDelay,
                maxRetryDelay, n, requestsPerMinute);
    }

    public ClientSettings withRequestsPerMinute(int rpm) {
        return new ClientSettings(firstTokenTimeout, idleTimeout, totalTimeout, maxRetries, retryBaseDelay,
                maxRetryDelay, maxEventBytes, rpm);
    }
}
