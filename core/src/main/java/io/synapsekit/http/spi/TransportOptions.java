package io.synapsekit.http.spi;

import java.time.Duration;
import java.util.Objects;

/**
 * Settings fixed when a transport is created.
 *
 * @param connectTimeout the longest wait to open a connection (TCP and TLS)
 */
public record TransportOptions(Duration connectTimeout) {

    /** The default connect timeout: 10 seconds. */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);

    public TransportOptions {
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        if (connectTimeout.isNegative() || connectTimeout.isZero()) {
            throw new IllegalArgumentException("connectTimeout must be positive: " + connectTimeout);
        }
    }

    /** Returns the default options. */
    public static TransportOptions defaults() {
        return new TransportOptions(DEFAULT_CONNECT_TIMEOUT);
    }
}
