package io.synapsekit.internal;

import io.synapsekit.llm.CancelledException;
import io.synapsekit.llm.PartialResult;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A client-side limit of requests per minute, shared by every call of one LLM client, streams included.
 *
 * <p>Spaces requests evenly ({@code 60 s / rpm} apart) rather than allowing a burst, so that a client never
 * trips the provider's own limiter. A caller waits on its own thread, interruptibly; the lock guards only the
 * reservation of a slot, never the wait.
 */
final class RequestRateLimiter {

    private final long intervalNanos;
    private final ReentrantLock lock = new ReentrantLock();
    private long nextFreeNanos = System.nanoTime();

    /** Creates a limiter of {@code requestsPerMinute}, at least 1. */
    RequestRateLimiter(int requestsPerMinute) {
        if (requestsPerMinute < 1) {
            throw new IllegalArgumentException("requestsPerMinute must be at least 1: " + requestsPerMinute);
        }
        this.intervalNanos = TimeUnit.MINUTES.toNanos(1) / requestsPerMinute;
    }

    /**
     * Waits for the next free slot.
     *
     * @throws CancelledException when interrupted while waiting; the interrupt flag stays set
     */
    void acquire(String provider) {
        long wait;
        lock.lock();
        try {
            long now = System.nanoTime();
            long slot = Math.max(now, nextFreeNanos);
            nextFreeNanos = slot + intervalNanos;
            wait = slot - now;
        } finally {
            lock.unlock();
        }
        if (wait > 0) {
            try {
                Thread.sleep(Duration.ofNanos(wait));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CancelledException(provider, PartialResult.EMPTY, e);
            }
        }
    }
}
