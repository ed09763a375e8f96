package io.synapsekit.transport.jdk;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;

/**
 * A response body that HttpClient pushes into and one reader pulls from, with backpressure.
 *
 * <p>At most {@value #PREFETCH} buffer lists are requested ahead of the reader, so memory stays bounded however
 * slow the reader is. {@link #close()} from any thread cancels the subscription (HttpClient then closes the
 * HTTP/1.1 connection or resets the HTTP/2 stream, so the server sees the client leave) and wakes a blocked
 * reader, which gets an {@link IOException}. An interrupt of a blocked reader does the same and throws
 * {@link InterruptedIOException}, keeping the interrupt flag.
 */
final class QueueBodyInputStream extends InputStream {

    static final int PREFETCH = 16;

    /**
     * Demand is renewed in batches of this many lists: each renewal of a paused exchange makes HttpClient
     * re-register with its selector and wake it (profiled: one register and wakeup per list when renewed one
     * by one), so renewing half the window at once keeps the wire busy at a fraction of that cost.
     */
    static final int BATCH = PREFETCH / 2;

    /** Queue items: buffer lists, then END or a failure. */
    private static final Object END = new Object();
    private static final Object CLOSED = new Object();

    /**
     * How long {@link #closeAtContentEnd()} waits for the body's end. It normally follows the content's end marker
     * within microseconds (often in the same read); a server that keeps the body open after it costs the caller at
     * most this, and its connection.
     */
    static final long END_GRACE_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    /** The most bytes {@link #closeAtContentEnd()} reads and drops while waiting for the end. */
    static final int END_DISCARD_LIMIT = 64 * 1024;

    private final LinkedBlockingQueue<Object> queue = new LinkedBlockingQueue<>();
    // Run after this body cancels an unfinished exchange: HttpClient's closing of the connection needs it (see
    // SelectorWakeup).
    private final Runnable afterAbort;
    // Set by HttpClient's thread when the body ended (completed or failed): after that there is nothing to cancel.
    private volatile boolean upstreamDone;
    private final AtomicReference<Flow.@Nullable Subscription> subscription = new AtomicReference<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    private @Nullable ByteBuffer current;
    private @Nullable List<ByteBuffer> currentList;
    private int listIndex;
    private int consumed; // lists read since demand was last renewed
    private @Nullable Object pendingItem; // a non-list item taken by a non-blocking gather, not yet reported
    private boolean finished;
    private @Nullable IOException failure;

    QueueBodyInputStream(Runnable afterAbort) {
        this.afterAbort = afterAbort;
    }

    HttpResponse.BodySubscriber<QueueBodyInputStream> subscriber() {
        return new HttpResponse.BodySubscriber<>() {
            @Override
            public CompletionStage<QueueBodyInputStream> getBody() {
                return CompletableFuture.completedFuture(QueueBodyInputStream.this);
            }

            @Override
            public void onSubscribe(Flow.Subscription s) {
                if (!subscription.compareAndSet(null, s) || closed.get()) {
                    s.cancel();
                    afterAbort.run();
                    return;
                }
                s.request(PREFETCH);
            }

            @Override
            public void onNext(List<ByteBuffer> item) {
                queue.add(item);
            }

            @Override
            public void onError(Throwable t) {
                upstreamDone = true;
                queue.add(t);
            }

            @Override
            public void onComplete() {
                upstreamDone = true;
                queue.add(END);
            }
        };
    }

    /** Returns the next non-empty buffer, blocking; {@code null} at the end of the body. */
    private @Nullable ByteBuffer buffer() throws IOException {
        while (current == null || !current.hasRemaining()) {
            if (nextInList()) {
                continue;
            }
            if (finished) {
                return null;
            }
            if (failure != null) {
                throw new IOException(failure.getMessage(), failure);
            }
            if (closed.get()) {
                throw new IOException("closed");
            }
            Object item = pendingItem;
            pendingItem = null;
            try {
                if (item == null) {
                    item = queue.take();
                }
            } catch (InterruptedException e) {
                close();
                Thread.currentThread().interrupt();
                InterruptedIOException ie = new InterruptedIOException("interrupted while reading the response body");
                ie.initCause(e);
                throw ie;
            }
            if (item == END) {
                finished = true;
            } else if (item == CLOSED) {
                throw new IOException("closed");
            } else if (item instanceof Throwable t) {
                failure = t instanceof IOException io ? io : new IOException(t.toString(), t);
                throw new IOException("response body failed: " + t, t);
            } else {
                startList(item);
            }
        }
        return current;
    }

    @Override
    public int read() throws IOException {
        ByteBuffer b = buffer();
        if (b == null) {
            return -1;
        }
        int value = b.get() & 0xff;
        releaseIfConsumed();
        return value;
    }

    @Override
    public int read(byte[] dst, int off, int len) throws IOException {
        java.util.Objects.checkFromIndexSize(off, len, dst.length);
        if (len == 0) {
            return 0;
        }
        ByteBuffer b = buffer();
        if (b == null) {
            return -1;
        }
        int n = Math.min(len, b.remaining());
        b.get(dst, off, n);
        releaseIfConsumed();
        // Gather what has already arrived, without blocking: HttpClient hands over one buffer per HTTP chunk
        // (one per token for OpenAI-style streams), and a reader called once per 200-byte token pays its whole
        // per-read cost each time (profiled on the single-stream load scenario).
        while (n < len && (b = bufferIfReady()) != null) {
            int more = Math.min(len - n, b.remaining());
            b.get(dst, off + n, more);
            releaseIfConsumed();
            n += more;
        }
        return n;
    }

    /**
     * Drops the current buffer once it is read, and its list once that is: HttpClient hands over slices of a 16 KiB
     * read buffer it shares across reads of a connection and replaces when full, so a slice kept after its bytes were
     * read pins a whole old buffer while the reader waits for the next token (measured: 10,000 open streams held
     * about 16 KiB each this way, a second read buffer per connection).
     */
    private void releaseIfConsumed() {
        if (current.hasRemaining()) {
            return;
        }
        current = null;
        if (currentList != null && listIndex == currentList.size()) {
            dropList();
        }
    }

    /**
     * The next non-empty buffer if one is available without blocking, else {@code null}. An end, failure or
     * close found in the queue is recorded for the next {@link #buffer()} call, which reports it.
     */
    private @Nullable ByteBuffer bufferIfReady() {
        while (current == null || !current.hasRemaining()) {
            if (nextInList()) {
                continue;
            }
            if (finished || failure != null || closed.get() || pendingItem != null) {
                return null;
            }
            Object item = queue.poll();
            if (item == null) {
                return null;
            }
            if (!(item instanceof List<?>)) {
                pendingItem = item; // END, CLOSED or a failure: reported by buffer() on the next read
                return null;
            }
            startList(item);
        }
        return current;
    }

    /**
     * Moves {@code current} to the next buffer of the current list and returns true; when the list is used up, drops
     * it, renews demand if due, and returns false.
     */
    private boolean nextInList() {
        if (currentList == null) {
            return false;
        }
        if (listIndex < currentList.size()) {
            current = currentList.get(listIndex++);
            return true;
        }
        dropList();
        return false;
    }

    /** Drops the current list as read, renewing demand when a batch is used up. */
    private void dropList() {
        currentList = null;
        renewDemand();
    }

    @SuppressWarnings("unchecked")
    private void startList(Object item) {
        currentList = (List<ByteBuffer>) item;
        listIndex = 0;
    }

    private void renewDemand() {
        Flow.Subscription s = subscription.get();
        if (++consumed == BATCH && s != null && !closed.get()) {
            consumed = 0;
            s.request(BATCH); // half the window consumed: ask for as many more
        }
    }

    @Override
    public int available() {
        return current == null ? 0 : current.remaining();
    }

    /** Ends the body in {@code failure} after what was already delivered, unless it has ended already. */
    void fail(Throwable failure) {
        queue.add(failure);
    }

    /**
     * Closes once the body's end has arrived, waiting for it up to {@link #END_GRACE_NANOS} and dropping at most
     * {@link #END_DISCARD_LIMIT} bytes meanwhile: an exchange that ends by itself leaves its HTTP/1.1 connection in
     * HttpClient's pool, where {@link #close()} before the end would have to abort it (and the next request would pay
     * for a new connection, a TLS handshake included). Without the end in time this is {@code close()}. Called by the
     * reader, when the content has ended (an SSE end marker, say) and at most the body's last chunk is in flight.
     */
    void closeAtContentEnd() {
        long deadline = System.nanoTime() + END_GRACE_NANOS;
        long dropped = current == null ? 0 : current.remaining();
        current = null;
        if (currentList != null) {
            dropList(); // counted as read, so the demand for the end's chunk is there
        }
        try {
            while (!finished && failure == null && !closed.get() && dropped <= END_DISCARD_LIMIT) {
                Object item = pendingItem;
                pendingItem = null;
                if (item == null) {
                    item = queue.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
                }
                if (item == END) {
                    finished = true;
                } else if (item instanceof List<?> list) {
                    for (Object b : list) {
                        dropped += ((ByteBuffer) b).remaining();
                    }
                    renewDemand();
                } else {
                    break; // the grace ran out (null), or a failure or close: close() below either way
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        close();
    }

    /** Cancels the exchange if unfinished and wakes a blocked reader. Idempotent; any thread. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            Flow.Subscription s = subscription.getAndSet(null);
            if (s != null && !upstreamDone) {
                s.cancel();
                afterAbort.run();
            }
            queue.add(CLOSED);
        }
    }
}
