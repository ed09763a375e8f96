package io.synapsekit.opentelemetry;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.synapsekit.http.spi.HttpTransport;
import io.synapsekit.http.spi.HttpTransportProvider;
import io.synapsekit.http.spi.TransportOptions;
import io.synapsekit.http.spi.TransportRequest;
import io.synapsekit.http.spi.TransportResponse;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The JDK transport, watched from its side of the pipeline: when each request was handed to it, when the first
 * read that returned answer content came back, and which span was current at each.
 */
final class WireTimingTransport implements HttpTransport {

    /** What the transport saw of one exchange; times from {@link System#nanoTime()}, 0 until seen. */
    static final class Exchange {
        volatile long sent;
        volatile long firstContentRead;
        volatile SpanContext spanAtSend = SpanContext.getInvalid();
        final ConcurrentLinkedQueue<SpanContext> spansAtRead = new ConcurrentLinkedQueue<>();
    }

    private final HttpTransport delegate = ServiceLoader.load(HttpTransportProvider.class).findFirst()
            .orElseThrow().create(new TransportOptions(TransportOptions.DEFAULT_CONNECT_TIMEOUT));
    final ConcurrentLinkedQueue<Exchange> exchanges = new ConcurrentLinkedQueue<>();

    @Override
    public TransportResponse send(TransportRequest request) throws IOException {
        Exchange x = new Exchange();
        x.sent = System.nanoTime();
        x.spanAtSend = Span.current().getSpanContext();
        exchanges.add(x);
        TransportResponse r = delegate.send(request);
        InputStream body = new FilterInputStream(r.body()) {
            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                int n = super.read(b, off, len);
                long now = System.nanoTime();
                x.spansAtRead.add(Span.current().getSpanContext());
                if (n > 0 && x.firstContentRead == 0 && hasContent(new String(b, off, n, StandardCharsets.UTF_8))) {
                    x.firstContentRead = now;
                }
                return n;
            }
        };
        return new TransportResponse() {
            @Override
            public int status() {
                return r.status();
            }

            @Override
            public Map<String, List<String>> headers() {
                return r.headers();
            }

            @Override
            public InputStream body() {
                return body;
            }

            @Override
            public void close() {
                r.close();
            }

            @Override
            public void closeAtContentEnd() {
                r.closeAtContentEnd();
            }
        };
    }

    /** Whether {@code text} holds a chunk with non-empty answer content: {@code "content":"x…"}. */
    static boolean hasContent(String text) {
        int i = text.indexOf("\"content\":\"");
        while (i >= 0) {
            int after = i + "\"content\":\"".length();
            if (after < text.length() && text.charAt(after) != '"') {
                return true;
            }
            i = text.indexOf("\"content\":\"", after);
        }
        return false;
    }

    @Override
    public void close() {
        delegate.close();
    }
}
