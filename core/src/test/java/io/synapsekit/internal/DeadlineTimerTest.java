package io.synapsekit.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URL;
import java.net.URLClassLoader;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The shared timer: deadlines run once, cancelled ones never, and cancelled ones stay queued only until a purge;
 * its thread belongs to no application, ends when idle or shut down, and comes back when needed.
 */
class DeadlineTimerTest {

    @Test
    void theTimerThreadTakesNeitherTheContextClassLoaderNorTheInheritableThreadLocalsOfItsCreator()
            throws Exception {
        DeadlineTimer.shutdown(); // the next deadline starts the thread, from the thread below
        ClassLoader application = new URLClassLoader(new URL[0], getClass().getClassLoader());
        InheritableThreadLocal<String> user = new InheritableThreadLocal<>();
        BlockingQueue<Object[]> seen = new LinkedBlockingQueue<>();
        Thread request = new Thread(() -> {
            user.set("alice");
            DeadlineTimer.schedule(() -> seen.add(new Object[] {Thread.currentThread().getContextClassLoader(),
                    String.valueOf(user.get())}), 0);
        });
        request.setContextClassLoader(application);
        request.start();

        Object[] timer = seen.poll(5, TimeUnit.SECONDS);
        assertThat(timer).as("the deadline ran").isNotNull();
        assertThat(timer[0]).isSameAs(ClassLoader.getPlatformClassLoader());
        assertThat(timer[1]).isEqualTo("null");
    }

    @Test
    void theTimerThreadEndsWhenNoDeadlineIsLeftAndComesBackForTheNext() throws Exception {
        DeadlineTimer.shutdown(); // no live deadline of another test is left
        CountDownLatch ran = new CountDownLatch(1);
        DeadlineTimer.schedule(ran::countDown, 0);
        // A long deadline, cancelled: left queued (see the class comment), it must not keep the thread alive.
        DeadlineTimer.cancel(DeadlineTimer.schedule(() -> { }, TimeUnit.HOURS.toNanos(1)));
        assertThat(ran.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(timerThreads()).hasSize(1);

        long deadline = System.nanoTime() + DeadlineTimer.IDLE.multipliedBy(5).toNanos();
        while (!timerThreads().isEmpty() && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertThat(timerThreads()).as("timer threads once idle").isEmpty();

        CountDownLatch again = new CountDownLatch(1);
        DeadlineTimer.schedule(again::countDown, TimeUnit.MILLISECONDS.toNanos(10));
        assertThat(again.await(5, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void shutdownStopsTheThreadAndDropsDeadlinesAndALaterDeadlineStartsItAgain() throws Exception {
        AtomicInteger dropped = new AtomicInteger();
        DeadlineTimer.schedule(dropped::incrementAndGet, TimeUnit.MILLISECONDS.toNanos(300));
        List<Thread> before = timerThreads();
        assertThat(before).hasSize(1);

        DeadlineTimer.shutdown();
        // The thread that ran before; another test's stream may start a new timer at any time.
        assertThat(before.get(0).isAlive()).as("the timer thread alive when shutdown returns").isFalse();
        DeadlineTimer.shutdown(); // idempotent

        CountDownLatch ran = new CountDownLatch(1);
        DeadlineTimer.schedule(ran::countDown, TimeUnit.MILLISECONDS.toNanos(400));
        assertThat(ran.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(dropped).as("the deadline pending at shutdown ran").hasValue(0);
    }

    private static List<Thread> timerThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().equals(DeadlineTimer.THREAD_NAME) && t.isAlive()).toList();
    }

    @Test
    void deadlineRunsOnceOnTheTimerThread() throws Exception {
        CountDownLatch ran = new CountDownLatch(1);
        AtomicInteger runs = new AtomicInteger();
        String[] thread = new String[1];
        DeadlineTimer.schedule(() -> {
            thread[0] = Thread.currentThread().getName();
            runs.incrementAndGet();
            ran.countDown();
        }, TimeUnit.MILLISECONDS.toNanos(20));

        assertThat(ran.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(thread[0]).isEqualTo("synapsekit-timer");
        assertThat(runs).hasValue(1);
    }

    @Test
    void cancelledDeadlineNeverRuns() throws Exception {
        AtomicInteger cancelledRuns = new AtomicInteger();
        DeadlineTimer.cancel(DeadlineTimer.schedule(cancelledRuns::incrementAndGet, TimeUnit.MILLISECONDS.toNanos(20)));
        // A later deadline: once it has run, the cancelled one's time has passed too (one thread, in order).
        CountDownLatch later = new CountDownLatch(1);
        DeadlineTimer.schedule(later::countDown, TimeUnit.MILLISECONDS.toNanos(60));

        assertThat(later.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(cancelledRuns).hasValue(0);
    }

    @Test
    void cancelledDeadlineStaysQueuedSoThatTheNextDoesNotWakeTheTimer() {
        // Removed on cancel, the queue would be empty again between requests made one at a time (see the class
        // comment). One cancel in PURGE_EVERY purges the queue, so of two cancels in a row at most one can find
        // its deadline purged.
        ScheduledFuture<?> first = DeadlineTimer.schedule(() -> { }, TimeUnit.HOURS.toNanos(1));
        DeadlineTimer.cancel(first);
        boolean firstQueued = DeadlineTimer.isQueued(first);
        ScheduledFuture<?> second = DeadlineTimer.schedule(() -> { }, TimeUnit.HOURS.toNanos(1));
        DeadlineTimer.cancel(second);
        boolean secondQueued = DeadlineTimer.isQueued(second);

        assertThat(first.isCancelled() && second.isCancelled()).isTrue();
        assertThat(firstQueued || secondQueued).isTrue();
    }

    @Test
    void cancelledDeadlinesArePurged() {
        int before = DeadlineTimer.queued();
        for (int i = 0; i < 3 * DeadlineTimer.PURGE_EVERY; i++) {
            DeadlineTimer.cancel(DeadlineTimer.schedule(() -> { }, TimeUnit.HOURS.toNanos(1)));
        }

        // Without purging the queue would hold all 12,288; other tests' live deadlines add a few.
        assertThat(DeadlineTimer.queued()).isLessThanOrEqualTo(before + DeadlineTimer.PURGE_EVERY + 64);
    }
}
