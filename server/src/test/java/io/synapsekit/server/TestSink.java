package io.synapsekit.server;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.synapsekit.sse.SseEvent;
import io.synapsekit.sse.SseParser;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;

/** An in-memory SseSink whose body can be read while it is written, and which can "disconnect" like a client. */
final class TestSink implements SseSink {

    final Map<String, String> headers = new LinkedHashMap<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final ByteArrayOutputStream body = new ByteArrayOutputStream();
    private boolean opened;
    private boolean disconnected;
    private boolean closed;
    private int flushes;

    @Override
    public void header(String name, String value) {
        if (opened) {
            throw new IllegalStateException("header after open: " + name);
        }
        headers.put(name, value);
    }

    @Override
    public OutputStream open() throws IOException {
        opened = true;
        return new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                lock.lock();
                try {
                    if (disconnected) {
                        throw new IOException("Broken pipe (test client disconnected)");
                    }
                    body.write(b, off, len);
                } finally {
                    lock.unlock();
                }
            }

            @Override
            public void flush() throws IOException {
                lock.lock();
                try {
                    if (disconnected) {
                        throw new IOException("Broken pipe (test client disconnected)");
                    }
                    flushes++;
                    changed.signalAll();
                } finally {
                    lock.unlock();
                }
            }

            @Override
            public void close() {
                lock.lock();
                try {
                    closed = true;
                    changed.signalAll();
                } finally {
                    lock.unlock();
                }
            }
        };
    }

    /** Makes every later write fail, as a client that went away does. */
    void disconnect() {
        lock.lock();
        try {
            disconnected = true;
        } finally {
            lock.unlock();
        }
    }

    /** Returns what was flushed so far. */
    String text() {
        lock.lock();
        try {
            return body.toString(UTF_8);
        } finally {
            lock.unlock();
        }
    }

    boolean closed() {
        lock.lock();
        try {
            return closed;
        } finally {
            lock.unlock();
        }
    }

    /** Waits until the flushed text satisfies {@code condition}; fails after {@code timeout}. */
    String await(Predicate<String> condition, Duration timeout) throws InterruptedException {
        long remaining = timeout.toNanos();
        lock.lock();
        try {
            while (!condition.test(body.toString(UTF_8))) {
                if (remaining <= 0) {
                    throw new AssertionError("timed out; body so far: " + body.toString(UTF_8));
                }
                remaining = changed.awaitNanos(remaining);
            }
            return body.toString(UTF_8);
        } finally {
            lock.unlock();
        }
    }

    /** Parses what was written back into events, as a browser would. */
    List<SseEvent> events() {
        List<SseEvent> out = new ArrayList<>();
        try (var it = SseParser.events(new ByteArrayInputStream(text().getBytes(UTF_8)))) {
            it.forEachRemaining(out::add);
        }
        return out;
    }

    static long seconds(long n) {
        return TimeUnit.SECONDS.toNanos(n);
    }
}
