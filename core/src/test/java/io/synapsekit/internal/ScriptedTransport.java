package io.synapsekit.internal;

import io.synapsekit.http.spi.HttpTransport;
import io.synapsekit.http.spi.TransportRequest;
import io.synapsekit.http.spi.TransportResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * An in-memory {@link HttpTransport} that plays one scripted answer per request, for testing the shared client's
 * stream lifecycle (time limits, retries, release on every exit) in core, without a network.
 */
final class ScriptedTransport implements HttpTransport {

    /** One request's answer: a response, or an I/O failure thrown from {@code send}. */
    @FunctionalInterface
    interface Answer {
        TransportResponse answer(TransportRequest request) throws IOException;
    }

    private final ArrayDeque<Answer> answers = new ArrayDeque<>();
    final ConcurrentLinkedQueue<TransportRequest> sent = new ConcurrentLinkedQueue<>();

    ScriptedTransport then(Answer answer) {
        answers.add(answer);
        return this;
    }

    @Override
    public TransportResponse send(TransportRequest request) throws IOException {
        sent.add(request);
        Answer a = answers.poll();
        if (a == null) {
            throw new AssertionError("no answer scripted for request " + sent.size());
        }
        return a.answer(request);
    }

    @Override
    public void close() {
    }

    /**
     * A body fed by the test: {@link #feed} adds bytes, {@link #end} ends it, {@link #fail} breaks it; a read
     * with nothing fed blocks, as a socket read does. Closing wakes a blocked reader with an IOException.
     */
    static final class Body extends InputStream {
        private static final byte[] END = new byte[0];
        private final LinkedBlockingQueue<Object> queue = new LinkedBlockingQueue<>();
        final AtomicBoolean closed = new AtomicBoolean();
        private byte[] current = new byte[0];
        private int pos;
        private boolean ended;

        Body feed(String text) {
            queue.add(text.getBytes(StandardCharsets.UTF_8));
            return this;
        }

        Body end() {
            queue.add(END);
            return this;
        }

        Body fail(IOException e) {
            queue.add(e);
            return this;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            while (pos == current.length) {
                if (ended) {
                    return -1;
                }
                if (closed.get()) {
                    throw new IOException("closed");
                }
                Object next;
                try {
                    next = queue.take();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("interrupted");
                }
                if (next == END) {
                    ended = true;
                } else if (next instanceof IOException e) {
                    throw e;
                } else if (next == this) {
                    throw new IOException("closed");
                } else {
                    current = (byte[]) next;
                    pos = 0;
                }
            }
            int n = Math.min(len, current.length - pos);
            System.arraycopy(current, pos, b, off, n);
            pos += n;
            return n;
        }

        @Override
        public void close() {
            if (closed.compareAndSet(false, true)) {
                queue.add(this); // wakes a blocked reader
            }
        }
    }

    /** A response with {@code status} and {@code body}; closing it closes the body. */
    static TransportResponse response(int status, Map<String, List<String>> headers, Body body) {
        return new TransportResponse() {
            @Override
            public int status() {
                return status;
            }

            @Override
            public Map<String, List<String>> headers() {
                return headers;
            }

            @Override
            public InputStream body() {
                return body;
            }

            @Override
            public void close() {
                body.close();
            }
        };
    }

    static TransportResponse sse(Body body) {
        return response(200, Map.of("content-type", List.of("text/event-stream")), body);
    }
}
