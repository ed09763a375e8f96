package io.synapsekit.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.synapsekit.llm.LLMTimeoutException;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The shared stream timer: limits still fire, stopped streams never do, and the cancelled checks it keeps queued
 * (so that a new stream does not wake the timer thread) stay bounded and hold no connection.
 */
class StreamWatchdogTest {

    private static final ClientSettings FAST = ClientSettings.defaults().withFirstTokenTimeout(Duration.ofMillis(50));

    @Test
    void firstTokenLimitFiresOnce() throws Exception {
        CountDownLatch fired = new CountDownLatch(1);
        AtomicInteger runs = new AtomicInteger();
        StreamWatchdog w = StreamWatchdog.start(System.nanoTime(), FAST, () -> {
            runs.incrementAndGet();
            fired.countDown();
        });

        assertThat(fired.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(w.expired()).isEqualTo(LLMTimeoutException.Kind.FIRST_TOKEN);
        w.stop(); // after expiry: a no-op
        assertThat(runs).hasValue(1);
    }

    @Test
    void stoppedWatchdogNeverFires() throws Exception {
        AtomicInteger stoppedRuns = new AtomicInteger();
        StreamWatchdog stopped = StreamWatchdog.start(System.nanoTime(), FAST, stoppedRuns::incrementAndGet);
        stopped.stop();
        // A second watchdog with a later deadline: once it has fired, the first one's deadline has passed too.
        CountDownLatch later = new CountDownLatch(1);
        StreamWatchdog.start(System.nanoTime(), ClientSettings.defaults().withFirstTokenTimeout(Duration.ofMillis(150)),
                later::countDown);

        assertThat(later.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(stoppedRuns).hasValue(0);
        assertThat(stopped.expired()).isNull();
    }

    @Test
    void cancelledChecksArePurged() {
        int before = DeadlineTimer.queued();
        for (int i = 0; i < 3 * DeadlineTimer.PURGE_EVERY; i++) {
            StreamWatchdog.start(System.nanoTime(), ClientSettings.defaults(), () -> { }).stop();
        }

        // Without purging the queue would hold all 12,288; other tests' live watchdogs add a few.
        assertThat(DeadlineTimer.queued()).isLessThanOrEqualTo(before + DeadlineTimer.PURGE_EVERY + 64);
    }

    @Test
    void stoppedWatchdogDropsItsAction() {
        StreamWatchdog[] watchdog = new StreamWatchdog[1];
        WeakReference<Object> connection = startAndStopHolding(watchdog);

        // The cancelled check stays queued until a purge; what it reaches must not include the connection.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (connection.get() != null && System.nanoTime() < deadline) {
            System.gc();
            Thread.onSpinWait();
        }
        assertThat(connection.get()).isNull();
        assertThat(watchdog[0].expired()).isNull(); // the watchdog itself is still reachable, as its check is
    }

    /** Starts and stops a watchdog whose action holds a "connection"; returns a weak reference to it. */
    private static WeakReference<Object> startAndStopHolding(StreamWatchdog[] out) {
        Object connection = new Object();
        out[0] = StreamWatchdog.start(System.nanoTime(), ClientSettings.defaults(), () -> connection.hashCode());
        out[0].stop();
        return new WeakReference<>(connection);
    }
}
