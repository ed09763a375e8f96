package io.synapsekit.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.synapsekit.llm.CancelledException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The client-side requests-per-minute limit: evenly spaced slots, shared by all callers, interruptible. */
class RequestRateLimiterTest {

    @Test
    void spacesRequestsEvenlyAcrossCallers() throws Exception {
        RequestRateLimiter limiter = new RequestRateLimiter(1200); // one slot per 50 ms
        List<Long> starts = java.util.Collections.synchronizedList(new ArrayList<>());
        Thread[] callers = new Thread[5];
        for (int i = 0; i < callers.length; i++) {
            callers[i] = Thread.ofVirtual().start(() -> {
                limiter.acquire("p");
                starts.add(System.nanoTime());
            });
        }
        for (Thread t : callers) {
            t.join(5000);
        }
        List<Long> sorted = starts.stream().sorted().toList();
        assertThat(sorted).hasSize(5);
        // Five slots 50 ms apart: the last cannot start earlier than 200 ms after the first.
        assertThat(TimeUnit.NANOSECONDS.toMillis(sorted.get(4) - sorted.get(0))).isGreaterThanOrEqualTo(195);
    }

    @Test
    void aWaitingCallerCanBeInterrupted() throws Exception {
        RequestRateLimiter limiter = new RequestRateLimiter(1); // one slot a minute
        limiter.acquire("p");
        BlockingQueue<Object> outcome = new ArrayBlockingQueue<>(2);
        Thread waiter = Thread.ofVirtual().start(() -> {
            try {
                limiter.acquire("p");
                outcome.add("acquired");
            } catch (CancelledException e) {
                outcome.add(e);
                outcome.add(Thread.currentThread().isInterrupted());
            }
        });
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (waiter.getState() != Thread.State.TIMED_WAITING && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        waiter.interrupt();
        assertThat(outcome.poll(5, TimeUnit.SECONDS)).isInstanceOf(CancelledException.class);
        assertThat(outcome.poll(1, TimeUnit.SECONDS)).isEqualTo(true);
    }

    @Test
    void refusesANonPositiveRate() {
        assertThatThrownBy(() -> new RequestRateLimiter(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("0");
    }
}
