package io.synapsekit.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.synapsekit.sse.SseEvent;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The bounded in-memory replay buffer: order, waiting readers, per-stream and stream-count limits, TTL. */
class InMemorySseReplayBufferTest {

    private static SseEvent event(String data) {
        return SseEvent.message(data);
    }

    @Test
    void readsWhatFollowsAPointAndKnowsWhenTheStreamIsComplete() throws Exception {
        InMemorySseReplayBuffer buffer = InMemorySseReplayBuffer.create();
        buffer.append("s", 1, event("a"));
        buffer.append("s", 2, event("b"));

        SseReplayBuffer.Slice slice = buffer.read("s", 1, Duration.ZERO).orElseThrow();
        assertThat(slice.events()).extracting(SseEvent::data).containsExactly("b");
        assertThat(slice.lastSeq()).isEqualTo(2);
        assertThat(slice.complete()).isFalse();

        buffer.complete("s");
        SseReplayBuffer.Slice end = buffer.read("s", 2, Duration.ofSeconds(5)).orElseThrow();
        assertThat(end.events()).isEmpty();
        assertThat(end.complete()).isTrue();
        assertThat(buffer.read("other", 0, Duration.ZERO)).isEmpty();
    }

    @Test
    void aWaitingReaderWakesOnTheNextEvent() throws Exception {
        InMemorySseReplayBuffer buffer = InMemorySseReplayBuffer.create();
        buffer.append("s", 1, event("a"));
        BlockingQueue<SseReplayBuffer.Slice> got = new ArrayBlockingQueue<>(1);
        Thread reader = Thread.ofVirtual().start(() -> {
            try {
                got.add(buffer.read("s", 1, Duration.ofSeconds(30)).orElseThrow());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        buffer.append("s", 2, event("b"));

        SseReplayBuffer.Slice slice = got.poll(5, TimeUnit.SECONDS);
        assertThat(slice).isNotNull();
        assertThat(slice.events()).extracting(SseEvent::data).containsExactly("b");
        reader.join(5_000);
    }

    @Test
    void aTimedOutReadReturnsAnEmptySlice() throws Exception {
        InMemorySseReplayBuffer buffer = InMemorySseReplayBuffer.create();
        buffer.append("s", 1, event("a"));
        SseReplayBuffer.Slice slice = buffer.read("s", 1, Duration.ofMillis(5)).orElseThrow();
        assertThat(slice.events()).isEmpty();
        assertThat(slice.complete()).isFalse();
        assertThat(slice.lastSeq()).isEqualTo(1);
    }

    @Test
    void dropsTheOldestEventsPastTheLimitsAndReportsTheGap() throws Exception {
        InMemorySseReplayBuffer buffer = InMemorySseReplayBuffer.builder().maxEventsPerStream(3).build();
        for (int i = 1; i <= 5; i++) {
            buffer.append("s", i, event("e" + i));
        }
        SseReplayBuffer.Slice fromStart = buffer.read("s", 0, Duration.ZERO).orElseThrow();
        assertThat(fromStart.gap()).isTrue();
        assertThat(fromStart.events()).extracting(SseEvent::data).containsExactly("e3", "e4", "e5");
        assertThat(buffer.read("s", 2, Duration.ZERO).orElseThrow().gap()).isFalse();

        InMemorySseReplayBuffer small = InMemorySseReplayBuffer.builder().maxBytesPerStream(300).build();
        for (int i = 1; i <= 10; i++) {
            small.append("s", i, event("x".repeat(40)));
        }
        SseReplayBuffer.Slice bytes = small.read("s", 0, Duration.ZERO).orElseThrow();
        assertThat(bytes.events().size()).isBetween(1, 3);
        assertThat(bytes.lastSeq()).isEqualTo(10);
    }

    @Test
    void evictsTheLeastRecentlyWrittenStreamAndWakesItsReaders() throws Exception {
        InMemorySseReplayBuffer buffer = InMemorySseReplayBuffer.builder().maxStreams(2).build();
        buffer.append("a", 1, event("a1"));
        BlockingQueue<Optional<SseReplayBuffer.Slice>> got = new ArrayBlockingQueue<>(1);
        Thread.ofVirtual().start(() -> {
            try {
                got.add(buffer.read("a", 1, Duration.ofSeconds(30)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        buffer.append("b", 1, event("b1"));
        buffer.append("c", 1, event("c1"));

        assertThat(got.poll(5, TimeUnit.SECONDS)).isEmpty();
        assertThat(buffer.read("a", 0, Duration.ZERO)).isEmpty();
        assertThat(buffer.read("b", 0, Duration.ZERO)).isPresent();
        assertThat(buffer.read("c", 0, Duration.ZERO)).isPresent();
    }

    @Test
    void forgetsStreamsAfterTheirTtl() throws Exception {
        InMemorySseReplayBuffer buffer = InMemorySseReplayBuffer.builder().ttl(Duration.ofMillis(1)).build();
        buffer.append("s", 1, event("a"));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (buffer.read("s", 0, Duration.ZERO).isPresent() && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertThat(buffer.read("s", 0, Duration.ZERO)).isEmpty();
    }

    @Test
    void rejectsOutOfOrderEventsAndBadLimits() throws Exception {
        InMemorySseReplayBuffer buffer = InMemorySseReplayBuffer.create();
        buffer.append("s", 1, event("a"));
        assertThatThrownBy(() -> buffer.append("s", 3, event("c"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("expects event 2");
        assertThatThrownBy(() -> InMemorySseReplayBuffer.builder().maxStreams(0))
                .isInstanceOf(IllegalArgumentException.class);
        buffer.discard("s");
        assertThat(buffer.read("s", 0, Duration.ZERO)).isEmpty();
    }

    @Test
    void inOneProcessTheProducerCountsItsReadersItself() {
        InMemorySseReplayBuffer buffer = InMemorySseReplayBuffer.create();
        buffer.begin("s");
        Registration reading = buffer.reading("s", Duration.ofSeconds(30));
        assertThat(reading).isSameAs(Registration.NONE);
        assertThat(buffer.hasReaders("s")).as("no readers elsewhere: there is no elsewhere").isFalse();
        reading.close();
    }
}
