package io.synapsekit.http.spi;

import java.io.IOException;

/**
 * A blocking HTTP client that LLM clients stream responses through.
 *
 * <p>Implementations are thread-safe and meant to be shared: one transport serves every request of an
 * application. Closing a transport releases its connections and threads; requests already under way may fail.
 */
public interface HttpTransport extends AutoCloseable {

    /**
     * Sends {@code request} and waits for the status line and headers.
     *
     * <p>Waits at most {@link TransportRequest#headersTimeout()} for the headers and at most the transport's
     * connect timeout to connect; either limit throws {@link TransportTimeoutException}. An interrupt of the
     * calling thread cancels the exchange and throws {@link java.io.InterruptedIOException} with the interrupt
     * flag still set.
     *
     * @return the response, whose body the caller reads on its own thread and must close
     * @throws IOException when no response could be had (connection refused, reset, timed out)
     */
    TransportResponse send(TransportRequest request) throws IOException;

    /** Releases this transport's connections and threads. Idempotent. */
    @Override
    void close();
}
