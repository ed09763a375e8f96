package io.synapsekit.transport.jdk;

import io.synapsekit.internal.DeadlineTimer;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

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
    private final ScheduledFuture<?> timer;

    private HeadersDeadline(Thread caller, Duration limit) {
        this.caller = caller;
        // convert saturates: a limit beyond ~292 years waits as long as a long can say
        this.timer = DeadlineTimer.schedule(this::fire, TimeUnit.NANOSECONDS.convert(limit));
    }

    /** Starts the limit for the current thread, which is about to wait for headers. */
    static HeadersDeadline start(Duration limit) {
        return new HeadersDeadline(Thread.currentThread(), limit);
    }

    private void fire() {
        if (state.compareAndSet(WAITING, FIRING)) {
            caller.interrupt();
            state.set(FIRED);
        }
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
