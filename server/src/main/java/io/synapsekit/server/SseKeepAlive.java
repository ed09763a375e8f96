package io.synapsekit.server;

import io.synapsekit.sse.SseWriter;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends a keep-alive comment whenever one response has been silent for its interval, from a virtual thread of its
 * own, so that the thread writing the response can block in its source (an LLM stream's read, a graph's bridge)
 * with no timed wait per token.
 *
 * <p>A keep-alive that cannot be written means the client is gone: the writing thread is interrupted and the
 * response's source closed, which wakes the writing thread blocked in it (an LLM request is cancelled, a graph run
 * stopped, a source blocked in a model's code interrupted).
 *
 * <p>Once {@link #stop()} returns no keep-alive is written any more, so the caller may finish the response: a
 * container may hand the response object to another request once it is complete.
 */
final class SseKeepAlive {

    private static final Logger log = LoggerFactory.getLogger(SseKeepAlive.class);

    private final SseWriter writer;
    private final long intervalNanos;
    private final Runnable closeSource;
    private final ReentrantLock writing = new ReentrantLock();
    private final Thread thread;
    private final Thread writingThread;
    private boolean interruptedWriter; // guarded by writing
    /** When the response last wrote, by {@link System#nanoTime()}. */
    private volatile long lastWrite;
    private volatile boolean stopped;
    private volatile boolean clientGone;

    private SseKeepAlive(SseWriter writer, Duration interval, Runnable closeSource) {
        this.writer = writer;
        this.intervalNanos = saturatedNanos(interval);
        this.closeSource = closeSource;
        this.lastWrite = System.nanoTime();
        this.writingThread = Thread.currentThread();
        this.thread = Thread.ofVirtual().name("synapsekit-sse-keep-alive").unstarted(this::run);
    }

    /**
     * Starts keeping {@code writer}'s response alive; the calling thread is the one that writes it. When the client
     * is found gone, the calling thread is interrupted and {@code closeSource} run.
     */
    static SseKeepAlive start(SseWriter writer, Duration interval, Runnable closeSource) {
        SseKeepAlive keepAlive = new SseKeepAlive(writer, interval, closeSource);
        keepAlive.thread.start();
        return keepAlive;
    }

    /** Notes that the response has just written something: the silence starts again. */
    void wrote() {
        lastWrite = System.nanoTime();
    }

    /** Returns whether a keep-alive could not be written, that is, the client went away. */
    boolean clientGone() {
        return clientGone;
    }

    /**
     * Stops the keep-alives, waiting for one being written; none is written, and the writing thread is not
     * interrupted, after this returns. Returns whether a failed keep-alive had interrupted the writing thread, whose
     * flag the caller then clears: the interrupt was this response's own.
     */
    boolean stop() {
        writing.lock();
        try {
            stopped = true;
            return interruptedWriter;
        } finally {
            writing.unlock();
            LockSupport.unpark(thread);
        }
    }

    private void run() {
        while (!stopped && !Thread.currentThread().isInterrupted()) {
            long silent = System.nanoTime() - lastWrite;
            if (silent < intervalNanos) {
                LockSupport.parkNanos(this, intervalNanos - silent);
                continue;
            }
            writing.lock();
            try {
                if (stopped) {
                    return;
                }
                writer.comment("keep-alive");
                lastWrite = System.nanoTime();
            } catch (RuntimeException e) { // UncheckedIOException; a recycled response may throw anything
                log.debug("SSE keep-alive failed: the client is gone; closing the source", e);
                clientGone = true;
                interruptedWriter = true;
                writingThread.interrupt(); // wakes a source blocked in a model's code that closing would not reach
            } finally {
                writing.unlock();
            }
            if (clientGone) {
                try {
                    closeSource.run();
                } catch (RuntimeException e) {
                    log.warn("closing an SSE source after its client went away failed", e);
                }
                return;
            }
        }
    }

    private static long saturatedNanos(Duration d) {
        try {
            return d.toNanos();
        } catch (ArithmeticException tooLong) {
            return Long.MAX_VALUE;
        }
    }
}
