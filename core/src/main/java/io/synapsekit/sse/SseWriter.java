package io.synapsekit.sse;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Writes Server-Sent Events to an {@link OutputStream}, one complete block per call, flushed at once.
 *
 * <p>Any string is framed so that a reader following the WHATWG standard recovers it exactly: each line of the
 * data becomes its own {@code data:} field, and a single space after the colon protects leading spaces and
 * colons. SSE cannot carry a carriage return: {@code \r\n} and {@code \r} in data arrive as {@code \n}. An empty
 * string is written as a bare {@code data:} field, which browsers dispatch as an empty message.
 *
 * <p>Thread-safe: a lock around each block keeps a keep-alive writer and a token writer from interleaving bytes
 * inside one event. Write failures (typically: the client went away) are thrown as
 * {@link UncheckedIOException}, so the writer is easy to use from lambdas.
 */
public final class SseWriter implements AutoCloseable {

    private final OutputStream out;
    private final ReentrantLock lock = new ReentrantLock();

    /** Creates a writer on {@code out}, which it flushes after every block and closes on {@link #close()}. */
    public SseWriter(OutputStream out) {
        this.out = Objects.requireNonNull(out, "out");
    }

    /** Writes one {@code message} event with {@code data}. */
    public void data(String data) {
        write(SseEvent.message(data));
    }

    /** Writes one event of type {@code name} with {@code data}. */
    public void event(String name, String data) {
        write(SseEvent.of(name, data));
    }

    /**
     * Writes {@code event}: its type unless {@code message}, its id when non-empty, its retry when set; a
     * {@linkplain SseEvent#isComment() comment} is written as {@link #comment(String)} writes it.
     */
    public void write(SseEvent event) {
        if (event.isComment()) {
            comment(event.comment());
            return;
        }
        StringBuilder s = new StringBuilder(event.data().length() + 32);
        if (!event.event().equals("message")) {
            s.append("event: ").append(event.event()).append('\n');
        }
        if (!event.id().isEmpty()) {
            s.append("id: ").append(event.id()).append('\n');
        }
        if (event.retry() != null) {
            s.append("retry: ").append(event.retry().toMillis()).append('\n');
        }
        appendData(s, event.data());
        s.append('\n');
        send(s);
    }

    /** Writes a comment, e.g. a keep-alive; each line of {@code text} becomes a {@code :} line. */
    public void comment(String text) {
        StringBuilder s = new StringBuilder(text.length() + 8);
        for (String line : text.split("\r\n|\r|\n", -1)) {
            s.append(':');
            if (!line.isEmpty()) {
                s.append(' ').append(line);
            }
            s.append('\n');
        }
        s.append('\n');
        send(s);
    }

    /** Writes a block that only sets the client's reconnection time. */
    public void retry(Duration retry) {
        if (retry.isNegative()) {
            throw new IllegalArgumentException("retry must not be negative: " + retry);
        }
        send(new StringBuilder("retry: ").append(retry.toMillis()).append("\n\n"));
    }

    /** Flushes the stream. */
    public void flush() {
        lock.lock();
        try {
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            lock.unlock();
        }
    }

    /** Closes the underlying stream. */
    @Override
    public void close() {
        lock.lock();
        try {
            out.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            lock.unlock();
        }
    }

    private static void appendData(StringBuilder s, String data) {
        if (!data.isEmpty() && data.indexOf('\n') < 0 && data.indexOf('\r') < 0) {
            // One line, the usual case (a token, a JSON object): String.indexOf is vectorised, the loop below is not.
            s.append("data: ").append(data).append('\n');
            return;
        }
        int start = 0;
        int n = data.length();
        for (int i = 0; i <= n; i++) {
            char c = i < n ? data.charAt(i) : '\n';
            if (c == '\n' || c == '\r') {
                s.append("data:");
                if (i > start) {
                    s.append(' ').append(data, start, i);
                }
                s.append('\n');
                if (c == '\r' && i + 1 < n && data.charAt(i + 1) == '\n') {
                    i++;
                }
                start = i + 1;
            }
        }
    }

    private void send(CharSequence block) {
        byte[] bytes = block.toString().getBytes(StandardCharsets.UTF_8);
        lock.lock();
        try {
            out.write(bytes);
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            lock.unlock();
        }
    }
}
