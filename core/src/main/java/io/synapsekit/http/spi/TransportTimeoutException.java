package io.synapsekit.http.spi;

import java.io.IOException;
import org.jspecify.annotations.Nullable;

/** Thrown by {@link HttpTransport#send} when connecting or waiting for the response headers took too long. */
public final class TransportTimeoutException extends IOException {

    /** Which wait ran out. */
    public enum Phase {
        /** Opening the connection (TCP and TLS). */
        CONNECT,
        /** Waiting for the status line and headers after the request was sent. */
        HEADERS
    }

    private final Phase phase;

    public TransportTimeoutException(Phase phase, String message, @Nullable Throwable cause) {
        super(message, cause);
        this.phase = phase;
    }

    /** Returns which wait ran out. */
    public Phase phase() {
        return phase;
    }
}
