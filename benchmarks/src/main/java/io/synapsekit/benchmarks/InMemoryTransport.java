package io.synapsekit.benchmarks;

import io.synapsekit.http.spi.HttpTransport;
import io.synapsekit.http.spi.TransportRequest;
import io.synapsekit.http.spi.TransportResponse;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.util.List;
import java.util.Map;

/**
 * A transport that answers every request with the same SSE body from memory: the benchmarks' way to measure the
 * library's own work (decoding, listeners, per-request set-up) without a socket or an HTTP client.
 */
public record InMemoryTransport(byte[] body) implements HttpTransport {

    @Override
    public TransportResponse send(TransportRequest request) {
        InputStream in = new ByteArrayInputStream(body);
        return new TransportResponse() {
            @Override
            public int status() {
                return 200;
            }

            @Override
            public Map<String, List<String>> headers() {
                return Map.of("content-type", List.of("text/event-stream"));
            }

            @Override
            public InputStream body() {
                return in;
            }

            @Override
            public void close() {
            }
        };
    }

    @Override
    public void close() {
    }
}
