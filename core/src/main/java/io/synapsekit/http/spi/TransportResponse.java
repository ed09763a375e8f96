package io.synapsekit.http.spi;

import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The status, headers and body of one HTTP exchange, with the connection it holds.
 *
 * <p>Holds the exchange until {@link #close()}. Closing before the body was read to its end aborts the
 * exchange: an HTTP/1.1 connection is closed (the server sees the disconnect), an HTTP/2 stream is reset.
 * {@code close()} is idempotent, may be called from any thread, and wakes a reader blocked in
 * {@code body().read()}, which then throws an {@link java.io.IOException}.
 *
 * <p>One thread reads the body. Its {@code read} blocks until bytes arrive; an interrupt of the reading thread
 * aborts the exchange and throws {@link java.io.InterruptedIOException}, leaving the interrupt flag set.
 */
public interface TransportResponse extends AutoCloseable {

    /** Returns the HTTP status code. */
    int status();

    /** Returns the response headers, names in lower case. */
    Map<String, List<String>> headers();

    /** Returns the first value of header {@code name} (any case), if present. */
    default Optional<String> header(String name) {
        List<String> values = headers().get(name.toLowerCase(java.util.Locale.ROOT));
        return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
    }

    /** Returns the body. The same stream on every call. */
    InputStream body();

    /** Releases the exchange, aborting it if the body was not read to its end. Idempotent; any thread. */
    @Override
    void close();

    /**
     * Releases the exchange once its content has ended as the protocol defines it (an end event such as
     * {@code data: [DONE]}), when at most the body's own end (the last HTTP/1.1 chunk) is still in flight. A
     * transport may wait briefly for that end and then keep the connection for reuse, where {@link #close()} would
     * abort it; if the end does not come in time, this is {@code close()}. Called by the thread reading the body.
     * The default is {@code close()}.
     */
    default void closeAtContentEnd() {
        close();
    }
}
