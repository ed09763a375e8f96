package io.synapsekit.server;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Objects;
import java.util.function.BiConsumer;

/**
 * Where {@link SseResponse} writes a stream: a way to set response headers and the response body. It is all an
 * SSE endpoint needs from a server, so the same code serves a servlet, the JDK {@code HttpServer} or anything
 * else that has headers and an {@link OutputStream}.
 *
 * <pre>{@code
 * // a servlet
 * sse.streamTokens(SseSink.of(response::setHeader, response::getOutputStream), tokens);
 * // the JDK HttpServer: headers are sent when the body is opened
 * sse.streamTokens(SseSink.of(exchange.getResponseHeaders()::set, () -> {
 *     exchange.sendResponseHeaders(200, 0);
 *     return exchange.getResponseBody();
 * }), tokens);
 * }</pre>
 */
public interface SseSink {

    /** Sets response header {@code name}; called only before {@link #open()}. */
    void header(String name, String value);

    /**
     * Starts the response (status 200, the headers set so far) and returns its body, called once, after the
     * headers. {@link SseResponse} flushes it after every event and closes it at the end.
     */
    OutputStream open() throws IOException;

    /** Opens the response body; the checked-exception twin of {@code Supplier<OutputStream>}. */
    @FunctionalInterface
    interface BodyOpener {
        /** Starts the response and returns its body. */
        OutputStream open() throws IOException;
    }

    /** Returns a sink that sets headers with {@code setHeader} and opens the body with {@code body}. */
    static SseSink of(BiConsumer<String, String> setHeader, BodyOpener body) {
        Objects.requireNonNull(setHeader, "setHeader");
        Objects.requireNonNull(body, "body");
        return new SseSink() {
            @Override
            public void header(String name, String value) {
                setHeader.accept(name, value);
            }

            @Override
            public OutputStream open() throws IOException {
                return body.open();
            }
        };
    }
}
