package io.synapsekit.internal;

import java.time.Duration;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;

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
 *
 * <p><b>The thread belongs to no application.</b> It is started by whichever request first needs a deadline, so in a
 * servlet container it would otherwise inherit that web application's context class loader and pin it after
 * undeploy. It gets the platform class loader instead and no inheritable thread-locals, and it does not outlive its
 * work: once every queued deadline has been cancelled or has run, a sweep purges the queue and the thread ends after
 * {@link #IDLE}; the next deadline starts a new one. {@link #shutdown()} ends it at once (see
 * {@code io.synapsekit.SynapseKit}).
 */
public final class DeadlineTimer {

    /** How many cancels between purges of cancelled deadlines: bounds them to a few hundred KB. */
    static final int PURGE_EVERY = 4096;
    /** How long the thread waits with no live deadline before it ends, and how often a busy timer looks. */
    static final Duration IDLE = Duration.ofSeconds(2);
    static final String THREAD_NAME = "synapsekit-timer";

    private static final AtomicReference<@Nullable Timer> CURRENT = new AtomicReference<>();
    private static final AtomicInteger CANCELS = new AtomicInteger();

    private DeadlineTimer() {
    }

    /** Runs {@code task} once, on the timer thread, {@code delayNanos} from now (at once if not positive). */
    public static ScheduledFuture<?> schedule(Runnable task, long delayNanos) {
        while (true) {
            Timer timer = current();
            try {
                return timer.schedule(task, Math.max(0, delayNanos));
            } catch (RejectedExecutionException e) {
                CURRENT.compareAndSet(timer, null); // shut down just now: the next loop starts a new timer
            }
        }
    }

    /** Cancels {@code deadline} unless it has run; it stays queued until the next purge (see the class comment). */
    public static void cancel(ScheduledFuture<?> deadline) {
        deadline.cancel(false);
        if (CANCELS.incrementAndGet() % PURGE_EVERY == 0) {
            Timer timer = CURRENT.get();
            if (timer != null) {
                timer.executor.purge();
            }
        }
    }

    /**
     * Stops the timer thread and drops every pending deadline, waiting a few seconds at most for the thread to end.
     * A later {@link #schedule} starts a new timer. Idempotent; any thread.
     */
    public static void shutdown() {
        Timer timer = CURRENT.getAndSet(null);
        if (timer != null) {
            timer.shutdown();
        }
    }

    /** Returns whether {@code deadline} is still in the timer's queue; for tests. */
    static boolean isQueued(ScheduledFuture<?> deadline) {
        Timer timer = CURRENT.get();
        return timer != null && timer.executor.getQueue().contains(deadline);
    }

    /** Returns how many deadlines the timer holds, cancelled ones included; for tests. */
    static int queued() {
        Timer timer = CURRENT.get();
        return timer == null ? 0 : timer.executor.getQueue().size();
    }

    private static Timer current() {
        Timer timer = CURRENT.get();
        while (timer == null) {
            // Creating an executor starts no thread, so a lost race costs nothing.
            CURRENT.compareAndSet(null, new Timer());
            timer = CURRENT.get();
        }
        return timer;
    }


    /** One executor and its sweep; replaced by a new one after a shutdown. */
    private static final class Timer {
        final ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, this::newThread);
        /** The latest worker; a timed-out worker is replaced by a new one, so only the latest can be alive. */
        private final AtomicReference<@Nullable Thread> worker = new AtomicReference<>();
        /** Whether a sweep is queued; at most one is, so that a busy timer wakes for it once per IDLE. */
        private final AtomicBoolean sweepQueued = new AtomicBoolean();

        Timer() {
            executor.setRemoveOnCancelPolicy(false); // see the class comment
            executor.setKeepAliveTime(IDLE.toNanos(), TimeUnit.NANOSECONDS);
            executor.allowCoreThreadTimeOut(true);
        }

        private Thread newThread(Runnable work) {
            Thread t = Thread.ofPlatform().name(THREAD_NAME).daemon(true).inheritInheritableThreadLocals(false)
                    .unstarted(work);
            t.setContextClassLoader(ClassLoader.getPlatformClassLoader()); // see the class comment
            worker.set(t);
            return t;
        }

        ScheduledFuture<?> schedule(Runnable task, long delayNanos) {
            ScheduledFuture<?> f = executor.schedule(task, delayNanos, TimeUnit.NANOSECONDS);
            if (!sweepQueued.get() && sweepQueued.compareAndSet(false, true)) {
                executor.schedule(this::sweep, IDLE.toNanos(), TimeUnit.NANOSECONDS);
            }
            return f;
        }

        /**
         * Purges the queue once it holds only cancelled deadlines, so that the idle thread can end (a worker of a
         * ThreadPoolExecutor does not time out while its queue is not empty); while a live deadline is queued,
         * looks again after IDLE.
         */
        private void sweep() {
            sweepQueued.set(false); // first, so that a deadline scheduled during the look queues a sweep of its own
            for (Runnable queued : executor.getQueue()) {
                if (!((Future<?>) queued).isCancelled()) {
                    if (sweepQueued.compareAndSet(false, true)) {
                        executor.schedule(this::sweep, IDLE.toNanos(), TimeUnit.NANOSECONDS);
                    }
                    return;
                }
            }
            executor.purge();
        }

        void shutdown() {
            executor.shutdownNow();
            try {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
                executor.awaitTermination(5, TimeUnit.SECONDS);
                // The executor reports itself terminated from inside its worker, before that thread has ended; a
                // caller that checks for leftover threads (an undeploy, a test) must not see it still alive.
                Thread t = worker.get();
                if (t != null && t != Thread.currentThread()) {
                    t.join(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
