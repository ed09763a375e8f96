package io.synapsekit.transport.jdk;

import io.synapsekit.internal.DeadlineTimer;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

/**
 * The limit on a caller's wait for response headers: interrupts the caller, blocked in {@code HttpClient.send}, when
 * it runs out. {@code send} treats an interrupt as a request to cancel and aborts the exchange (its connection is
 * closed), which is what a headers timeout must do.
 *
 * <p>Why not {@code HttpRequest.timeout}: HttpClient keeps that as a timer of its selector and wakes the selector
 * thread to register it, for every request. Why not {@code sendAsync} with a timed {@code get}: the public
 * {@code sendAsync} forces every step of the exchange onto the client's executor and completes the returned future
 * through the common {@code ForkJoinPool}, two thread hand-offs per request that {@code send} does not make
 * (it runs the exchange on the caller's thread until it must wait for the selector). The deadline runs on the
 * {@link DeadlineTimer}, which a new request does not wake.
 *
 * <p>The caller calls {@link #stop()} once {@code send} has returned or thrown, whatever happened: it tells whether
 * the limit ran out, and when it did, it consumes the interrupt meant for {@code send}, so that the caller's thread
 * is never left interrupted by a deadline that fired as the headers arrived.
 */
final class HeadersDeadline {

    private static final int WAITING = 0;
    private static final int STOPPED = 1;
    private static final int FIRING = 2;
    private static final int FIRED = 3;
    private static final int REPORTED = 4; // fired, and its interrupt cleared by stop()

    private final AtomicInteger state = new AtomicInteger(WAITING);
    // A cancelled deadline stays queued until the timer's next purge, but cancelling a FutureTask drops the task it
    // runs, so the queue does not keep the caller's thread reachable (HeadersDeadlineTest checks).
    private final Thread caller;
    private final long startNanos;
    private final long headersNanos;
    private final long connectNanos; // Long.MAX_VALUE: no connect limit of its own
    private final BooleanSupplier sent; // whether the request went out, i.e. the connection is open
    private volatile ScheduledFuture<?> timer;
    private volatile boolean connectFired;

    private HeadersDeadline(Thread caller, Duration connectLimit, BooleanSupplier sent, Duration headersLimit) {
        this.caller = caller;
        this.startNanos = System.nanoTime();
        // convert saturates: a limit beyond ~292 years waits as long as a long can say
        this.headersNanos = TimeUnit.NANOSECONDS.convert(headersLimit);
        long connect = TimeUnit.NANOSECONDS.convert(connectLimit);
        this.connectNanos = connect < headersNanos ? connect : Long.MAX_VALUE;
        this.sent = sent;
        this.timer = DeadlineTimer.schedule(this::check, Math.min(connectNanos, headersNanos));
    }

    /** Starts the limit for the current thread, which is about to wait for headers. */
    static HeadersDeadline start(Duration limit) {
        return new HeadersDeadline(Thread.currentThread(), limit, () -> true, limit);
    }

    /**
     * Starts the limits for the current thread, which is about to send a request and wait for its headers: the
     * connection must be open ({@code sent} true) within {@code connectLimit}, and the headers must arrive within
     * {@code headersLimit} of now. HttpClient's own connect timeout is not used: each plain connection keeps its
     * connect timer, and the timer the exchange that opened it, for as long as the connection stays pooled.
     */
    static HeadersDeadline start(Duration connectLimit, BooleanSupplier sent, Duration headersLimit) {
        return new HeadersDeadline(Thread.currentThread(), connectLimit, sent, headersLimit);
    }

    private void check() {
        long elapsed = System.nanoTime() - startNanos;
        if (elapsed < headersNanos && connectNanos != Long.MAX_VALUE) {
            if (!sent.getAsBoolean()) {
                connectFired = true;
                fire();
                return;
            }
            // connected in time: wait for the headers
            timer = DeadlineTimer.schedule(this::fire, headersNanos - elapsed);
            if (state.get() != WAITING) {
                DeadlineTimer.cancel(timer); // stopped meanwhile: drop the new check at once
            }
            return;
        }
        fire();
    }

    private void fire() {
        if (state.compareAndSet(WAITING, FIRING)) {
            caller.interrupt();
            state.set(FIRED);
        }
    }

    /** Whether the limit that ran out (see {@link #stop()}) was the connect limit. */
    boolean connectLimitRanOut() {
        return connectFired;
    }

    /**
     * Ends the limit; called by the caller's thread once its wait is over. Returns true if the limit ran out: then
     * the interrupt it caused has been cleared, and the caller reports a timeout rather than an interrupt.
     */
    boolean stop() {
        if (state.compareAndSet(WAITING, STOPPED)) {
            DeadlineTimer.cancel(timer);
            return false;
        }
        int s;
        while ((s = state.get()) == FIRING) {
            Thread.yield(); // the timer is between winning and interrupting: a few instructions
        }
        if (s == FIRED && state.compareAndSet(FIRED, REPORTED)) {
            Thread.interrupted(); // ours, delivered; cleared once only, so a later interrupt is the caller's own
        }
        return s != STOPPED;
    }
}
