package io.synapsekit.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import io.synapsekit.testing.LiveThreads;
import io.synapsekit.testlog.CapturedLogs;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class QueueTokenBridgeTest {

    /** Every producer of these tests is named with this prefix, so that {@link LiveThreads} can find them. */
    private static final String PRODUCER = "bridge-test-";

    @AfterEach
    void noProducerOutlivesItsTest() throws InterruptedException {
        LiveThreads.awaitNone(PRODUCER);
    }

    @Test
    void deliversItemsInOrderThenEnds() {
        try (QueueTokenBridge<String> b = QueueTokenBridge.start(PRODUCER + "test-bridge", 2, sink -> {
            for (String s : List.of("a", "b", "c", "d", "e")) {
                sink.accept(s);
            }
        })) {
            List<String> got = new ArrayList<>();
            b.forEachRemaining(got::add);
            assertThat(got).containsExactly("a", "b", "c", "d", "e");
            assertThat(b.hasNext()).isFalse();
        }
    }

    @Test
    void producerRunsOnANamedVirtualThread() {
        try (QueueTokenBridge<Thread> b = QueueTokenBridge.start(PRODUCER + "named-producer-7", 1,
                sink -> sink.accept(Thread.currentThread()))) {
            Thread t = b.next();
            assertThat(t.getName()).isEqualTo("bridge-test-named-producer-7");
            assertThat(t.isVirtual()).isTrue();
        }
    }

    @Test
    void failureArrivesAfterTheItemsProducedBeforeIt() {
        QueueTokenBridge<String> b = QueueTokenBridge.start(PRODUCER + "failing", 4, sink -> {
            sink.accept("one");
            sink.accept("two");
            throw new IOException("disk on fire");
        });
        assertThat(b.next()).isEqualTo("one");
        assertThat(b.next()).isEqualTo("two");
        assertThatThrownBy(b::hasNext).isInstanceOf(UncheckedIOException.class).hasRootCauseMessage("disk on fire");
        assertThat(b.hasNext()).as("closed after the failure").isFalse();
    }

    @Test
    void uncheckedFailureIsRethrownAsItIs() {
        IllegalStateException boom = new IllegalStateException("boom");
        QueueTokenBridge<String> b = QueueTokenBridge.start(PRODUCER + "failing", 4, sink -> {
            throw boom;
        });
        assertThatThrownBy(b::hasNext).isSameAs(boom);
    }

    @Test
    void fullQueueBlocksTheProducer() throws Exception {
        AtomicInteger produced = new AtomicInteger();
        AtomicReference<Thread> producer = new AtomicReference<>();
        try (QueueTokenBridge<Integer> b = QueueTokenBridge.start(PRODUCER + "slow-consumer", 3, sink -> {
            producer.set(Thread.currentThread());
            for (int i = 0; i < 1_000; i++) {
                sink.accept(i);
                produced.incrementAndGet();
            }
        })) {
            assertThat(b.next()).isZero();
            assertEventually(() -> producer.get() != null && producer.get().getState() == Thread.State.WAITING,
                    () -> "producer state " + producer.get());
            // One taken, three queued, one more waiting in put: never the whole thousand.
            assertThat(produced.get()).isBetween(3, 4);
            List<Integer> rest = new ArrayList<>();
            b.forEachRemaining(rest::add);
            assertThat(rest).hasSize(999).startsWith(1, 2, 3).endsWith(999);
        }
    }

    @Test
    void closeInterruptsTheProducerAndEndsIteration() throws Exception {
        CountDownLatch interrupted = new CountDownLatch(1);
        QueueTokenBridge<String> b = QueueTokenBridge.start(PRODUCER + "blocked-producer", 1, sink -> {
            sink.accept("first");
            try {
                new CountDownLatch(1).await();
            } catch (InterruptedException e) {
                interrupted.countDown();
                throw e;
            }
        });
        assertThat(b.next()).isEqualTo("first");
        b.close();
        b.close();
        assertThat(interrupted.await(5, TimeUnit.SECONDS)).as("producer interrupted").isTrue();
        assertThat(b.hasNext()).isFalse();
    }

    @Test
    void closeFromAnotherThreadWakesABlockedConsumer() throws Exception {
        QueueTokenBridge<String> b = QueueTokenBridge.start(PRODUCER + "silent", 1,
                sink -> new CountDownLatch(1).await());
        BlockingQueue<Object> result = new ArrayBlockingQueue<>(1);
        Thread reader = Thread.ofVirtual().start(() -> result.add(b.hasNext()));
        assertEventually(() -> reader.getState() == Thread.State.WAITING, () -> "reader " + reader.getState());
        b.close();
        assertThat(result.poll(5, TimeUnit.SECONDS)).isEqualTo(false);
    }

    @Test
    void interruptingTheConsumerClosesTheBridge() throws Exception {
        QueueTokenBridge<String> b = QueueTokenBridge.start(PRODUCER + "silent", 1,
                sink -> new CountDownLatch(1).await());
        BlockingQueue<Object> result = new ArrayBlockingQueue<>(1);
        Thread reader = Thread.ofVirtual().start(() -> {
            try {
                result.add(b.hasNext());
            } catch (CancellationException e) {
                result.add(Thread.currentThread().isInterrupted() ? "cancelled, flag kept" : "flag lost");
            }
        });
        assertEventually(() -> reader.getState() == Thread.State.WAITING, () -> "reader " + reader.getState());
        reader.interrupt();
        assertThat(result.poll(5, TimeUnit.SECONDS)).isEqualTo("cancelled, flag kept");
    }

    @Test
    void awaitTimesOutOnSilenceThenSeesTheItem() throws Exception {
        CountDownLatch go = new CountDownLatch(1);
        try (QueueTokenBridge<String> b = QueueTokenBridge.start(PRODUCER + "late", 1, sink -> {
            go.await();
            sink.accept("late item");
        })) {
            assertThat(b.await(Duration.ofMillis(20))).isFalse();
            go.countDown();
            assertThat(b.await(Duration.ofSeconds(5))).isTrue();
            assertThat(b.next()).isEqualTo("late item");
            assertThat(b.await(Duration.ofSeconds(5))).as("end seen").isTrue();
            assertThat(b.hasNext()).isFalse();
        }
    }

    @Test
    void closingTheStreamStopsTheProducer() throws Exception {
        AtomicInteger produced = new AtomicInteger();
        QueueTokenBridge<Integer> b = QueueTokenBridge.start(PRODUCER + "endless", 2, sink -> {
            for (int i = 0; ; i++) {
                sink.accept(i);
                produced.incrementAndGet();
            }
        });
        try (Stream<Integer> s = b.stream()) {
            assertThat(s.limit(5).toList()).containsExactly(0, 1, 2, 3, 4);
        }
        LiveThreads.awaitNone(PRODUCER);
        int after = produced.get();
        assertThat(after).as("producer stopped near the consumer").isLessThan(10);
    }

    @Test
    void aForgottenBridgeIsClosedByTheGarbageCollectorWithAWarning() throws Exception {
        CountDownLatch interrupted = new CountDownLatch(1);
        forget(interrupted);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (interrupted.getCount() > 0 && System.nanoTime() < deadline) {
            System.gc();
            interrupted.await(20, TimeUnit.MILLISECONDS);
        }
        assertThat(interrupted.getCount()).as("the forgotten producer was stopped").isZero();
        assertEventually(() -> CapturedLogs.all().stream()
                        .anyMatch(e -> e.message().contains("a QueueTokenBridge was never closed")),
                () -> "no warning logged: " + CapturedLogs.all());
    }

    private static void forget(CountDownLatch interrupted) {
        QueueTokenBridge<Integer> b = QueueTokenBridge.start(PRODUCER + "forgotten", 1, sink -> {
            try {
                for (int i = 0; ; i++) {
                    sink.accept(i);
                }
            } catch (InterruptedException e) {
                interrupted.countDown();
                throw e;
            }
        });
        assertThat(b.next()).isZero();
    }

    @Test
    void rejectsBadCapacity() {
        assertThatThrownBy(() -> QueueTokenBridge.start(PRODUCER + "x", 0, sink -> { }))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("capacity must be at least 1: 0");
    }

    static void assertEventually(BooleanSupplier condition, java.util.function.Supplier<String> why)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within 10 s: " + why.get());
            }
            TimeUnit.MILLISECONDS.sleep(5); // polling interval of a deadline poll, not synchronisation
        }
    }

    @Test
    void behindFindsTheBridgeOfItsOwnStreamOnly() {
        QueueTokenBridge<String> bridge = QueueTokenBridge.start("behind", 4, sink -> sink.accept("a"));
        java.util.stream.Stream<String> own = bridge.stream();
        assertThat(QueueTokenBridge.behind(own.spliterator())).containsSame(bridge);
        own.close();

        QueueTokenBridge<String> other = QueueTokenBridge.start("mapped", 4, sink -> sink.accept("a"));
        try (java.util.stream.Stream<String> mapped = other.stream().map(String::toUpperCase)) {
            java.util.Spliterator<String> split = mapped.spliterator();
            assertThat(QueueTokenBridge.behind(split)).isEmpty();
            assertThat(java.util.stream.StreamSupport.stream(split, false)).containsExactly("A");
        }
    }
}
