package io.synapsekit.internal;

import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The library's one timer thread: runs the deadlines of streams ({@link StreamWatchdog}) and of requests waiting for
 * their headers (the JDK transport). A deadline task only decides and closes or interrupts; it never reads or waits.
 *
 * <p>A cancelled deadline is left in the timer's queue, and the queue is purged once every {@value #PURGE_EVERY}
 * cancels. Removing it at once would leave the queue empty between requests made one at a time, so that every new
 * deadline became the queue's head and woke the timer thread: a cross-core wake-up per request, which the load
 * harness measured as 20-50 µs of time to first token on two cores. Left in place, the earlier deadline stays the
 * head and a new, later one is queued without a signal. The queued cancelled deadlines hold nothing of their
 * owners: cancelling a {@code FutureTask} drops the task it would have run.
 */
public final class DeadlineTimer {

    /** How many cancels between purges of cancelled deadlines: bounds them to a few hundred KB. */
    static final int PURGE_EVERY = 4096;

    private static final ScheduledThreadPoolExecutor TIMER = newTimer();
    private static final AtomicInteger CANCELS = new AtomicInteger();

    private DeadlineTimer() {
    }

    private static ScheduledThreadPoolExecutor newTimer() {
        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "synapsekit-timer");
            t.setDaemon(true);
            return t;
        });
        timer.setRemoveOnCancelPolicy(false); // see the class comment
        return timer;
    }

    /** Runs {@code task} once, on the timer thread, {@code delayNanos} from now (at once if not positive). */
    public static ScheduledFuture<?> schedule(Runnable task, long delayNanos) {
        return TIMER.schedule(task, Math.max(0, delayNanos), TimeUnit.NANOSECONDS);
    }

    /** Cancels {@code deadline} unless it has run; it stays queued until the next purge (see the class comment). */
    public static void cancel(ScheduledFuture<?> deadline) {
        deadline.cancel(false);
        if (CANCELS.incrementAndGet() % PURGE_EVERY == 0) {
            TIMER.purge();
        }
    }

    /** Returns whether {@code deadline} is still in the timer's queue; for tests. */
    static boolean isQueued(ScheduledFuture<?> deadline) {
        return TIMER.getQueue().contains(deadline);
    }

    /** Returns how many deadlines the timer holds, cancelled ones included; for tests. */
    static int queued() {
        return TIMER.getQueue().size();
    }
}
