package io.synapsekit.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The shared timer: deadlines run once, cancelled ones never, and cancelled ones stay queued only until a purge. */
class DeadlineTimerTest {

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
