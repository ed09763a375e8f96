package io.synapsekit.transport.jdk;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The headers limit interrupts the waiting caller when it runs out, and only then; {@code stop()} tells which
 * happened and never leaves the caller's thread interrupted by the limit, nor clears an interrupt of its own.
 */
class HeadersDeadlineTest {

    @AfterEach
    void clearInterrupt() {
        Thread.interrupted(); // a failed assertion must not leak an interrupt into the next test
    }

    @Test
    void aWaitLongerThanTheLimitIsInterruptedAndReportedAsTheLimit() throws Exception {
        HeadersDeadline deadline = HeadersDeadline.start(Duration.ofMillis(50));
        long start = System.nanoTime();
        boolean interrupted = false;
        try {
            new ArrayBlockingQueue<>(1).poll(10, TimeUnit.SECONDS); // stands in for send's wait for the headers
        } catch (InterruptedException e) {
            interrupted = true;
        }

        assertThat(interrupted).isTrue();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        assertThat(deadline.stop()).isTrue();
        assertThat(Thread.currentThread().isInterrupted()).isFalse();
    }

    @Test
    void aLimitThatRunsOutAsTheWaitEndsIsReportedAndItsInterruptCleared() {
        HeadersDeadline deadline = HeadersDeadline.start(Duration.ofMillis(1));
        long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!Thread.currentThread().isInterrupted()) { // the headers came, but only as the limit ran out
            assertThat(System.nanoTime()).as("the limit interrupts the caller").isLessThan(giveUp);
            Thread.onSpinWait();
        }

        assertThat(deadline.stop()).isTrue();
        assertThat(Thread.currentThread().isInterrupted()).as("the limit's interrupt is consumed").isFalse();
    }

    @Test
    void aStoppedLimitNeverInterrupts() throws Exception {
        HeadersDeadline deadline = HeadersDeadline.start(Duration.ofMillis(30));
        assertThat(deadline.stop()).isFalse();

        // Wait well past the limit, interruptibly: an interrupt from the stopped limit would end this wait.
        BlockingQueue<Object> never = new ArrayBlockingQueue<>(1);
        assertThat(never.poll(200, TimeUnit.MILLISECONDS)).isNull();
        assertThat(Thread.currentThread().isInterrupted()).isFalse();
        assertThat(deadline.stop()).as("stop is idempotent").isFalse();
    }

    @Test
    void theCallersOwnInterruptIsKept() {
        HeadersDeadline before = HeadersDeadline.start(Duration.ofMinutes(1));
        Thread.currentThread().interrupt(); // someone cancels the caller
        assertThat(before.stop()).isFalse();
        assertThat(Thread.currentThread().isInterrupted()).isTrue();
        Thread.interrupted();

        HeadersDeadline fired = HeadersDeadline.start(Duration.ofMillis(1));
        long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!Thread.currentThread().isInterrupted()) {
            assertThat(System.nanoTime()).isLessThan(giveUp);
            Thread.onSpinWait();
        }
        assertThat(fired.stop()).isTrue();
        Thread.currentThread().interrupt(); // a later interrupt, the caller's own
        assertThat(fired.stop()).as("still reports the limit").isTrue();
        assertThat(Thread.currentThread().isInterrupted()).as("a second stop clears nothing").isTrue();
    }

    @Test
    void aStoppedLimitDoesNotKeepTheCallersThreadReachable() throws Exception {
        // The cancelled deadline stays in the timer's queue until a purge; what it reaches must not include the
        // caller's thread (a finished virtual thread, here).
        WeakReference<Thread> caller = startAndStopOnAThreadThatEnds();

        long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (caller.get() != null && System.nanoTime() < giveUp) {
            System.gc();
            Thread.onSpinWait();
        }
        assertThat(caller.get()).isNull();
    }

    private static WeakReference<Thread> startAndStopOnAThreadThatEnds() throws InterruptedException {
        BlockingQueue<Boolean> stopped = new ArrayBlockingQueue<>(1);
        Thread t = Thread.ofVirtual().unstarted(() -> stopped.add(HeadersDeadline.start(Duration.ofHours(1)).stop()));
        WeakReference<Thread> ref = new WeakReference<>(t);
        t.start();
        t.join();
        assertThat(stopped.poll()).isFalse();
        return ref;
    }
}
