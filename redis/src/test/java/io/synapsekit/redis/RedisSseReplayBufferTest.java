package io.synapsekit.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.synapsekit.server.Registration;
import io.synapsekit.server.SseReplayBuffer;
import io.synapsekit.server.SseReplayException;
import io.synapsekit.sse.SseEvent;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The Redis buffer against a real redis-server, with two buffers standing for two servers: a stream produced by
 * one is read, waited on, counted, stopped and found by key from the other.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RedisSseReplayBufferTest {

    private RedisServer redis;
    private RedisSseReplayBuffer a;
    private RedisSseReplayBuffer b;

    @BeforeEach
    void start() throws Exception {
        redis = RedisServer.start();
        a = buffer(redis.uri());
        b = buffer(redis.uri());
    }

    @AfterEach
    void stop() throws Exception {
        if (a != null) {
            a.close();
        }
        if (b != null) {
            b.close();
        }
        redis.close();
    }

    static RedisSseReplayBuffer buffer(URI uri) {
        return RedisSseReplayBuffer.builder(uri).heartbeat(Duration.ofMillis(100)).ttl(Duration.ofMinutes(1))
                .build();
    }

    private static SseEvent event(String streamId, long seq, String data) {
        return SseEvent.message(data).withId(streamId + "-" + seq);
    }

    @Test
    void aStreamWrittenByOneServerIsReadInOrderByAnother() throws Exception {
        a.begin("s");
        a.append("s", 1, event("s", 1, "one"));
        a.append("s", 2, SseEvent.of("error", "{\"message\":\"x\"}").withId("s-2"));
        a.append("s", 3, event("s", 3, "three\nlines"));

        SseReplayBuffer.Slice slice = b.read("s", 1, Duration.ZERO).orElseThrow();
        assertThat(slice.events()).containsExactly(SseEvent.of("error", "{\"message\":\"x\"}").withId("s-2"),
                event("s", 3, "three\nlines"));
        assertThat(slice.lastSeq()).isEqualTo(3);
        assertThat(slice.complete()).isFalse();
        assertThat(slice.gap()).isFalse();

        a.complete("s");
        SseReplayBuffer.Slice end = b.read("s", 3, Duration.ofSeconds(5)).orElseThrow();
        assertThat(end.events()).isEmpty();
        assertThat(end.complete()).isTrue();
        assertThat(b.read("s", 0, Duration.ZERO).orElseThrow().events()).hasSize(3);
        assertThat(b.read("unknown", 0, Duration.ZERO)).isEmpty();
    }

    @Test
    void aReaderOnAnotherServerWaitsForTheNextEvent() throws Exception {
        a.begin("s");
        BlockingQueue<SseReplayBuffer.Slice> got = new ArrayBlockingQueue<>(1);
        CountDownLatch reading = new CountDownLatch(1);
        Thread reader = Thread.ofVirtual().start(() -> {
            try {
                reading.countDown();
                got.add(b.read("s", 0, Duration.ofSeconds(30)).orElseThrow());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        assertThat(reading.await(5, TimeUnit.SECONDS)).isTrue();
        a.append("s", 1, event("s", 1, "one"));

        SseReplayBuffer.Slice slice = got.poll(5, TimeUnit.SECONDS);
        assertThat(slice).isNotNull();
        assertThat(slice.events()).extracting(SseEvent::data).containsExactly("one");
        assertThat(reader.join(Duration.ofSeconds(5))).isTrue();
    }

    @Test
    void aTimedOutReadReturnsAnEmptySliceWhileTheProducerLives() throws Exception {
        a.begin("s");
        a.append("s", 1, event("s", 1, "one"));
        SseReplayBuffer.Slice slice = b.read("s", 1, Duration.ofMillis(350)).orElseThrow();
        assertThat(slice.events()).isEmpty();
        assertThat(slice.complete()).isFalse();
        assertThat(slice.lastSeq()).isEqualTo(1);
    }

    @Test
    void aReaderFarBehindATrimmedStreamGetsAGap() throws Exception {
        try (RedisSseReplayBuffer small = RedisSseReplayBuffer.builder(redis.uri()).maxEventsPerStream(10)
                .build()) {
            small.begin("s");
            for (int i = 1; i <= 1_000; i++) {
                small.append("s", i, event("s", i, "t" + i));
            }
            small.complete("s");
            SseReplayBuffer.Slice slice = b.read("s", 0, Duration.ZERO).orElseThrow();
            assertThat(slice.gap()).isTrue();
            assertThat(slice.events()).isEmpty();
            SseReplayBuffer.Slice tail = b.read("s", 999, Duration.ZERO).orElseThrow();
            assertThat(tail.events()).extracting(SseEvent::data).containsExactly("t1000");
            assertThat(tail.complete()).isTrue();
        }
    }

    @Test
    void aReaderOnAnyServerCountsUntilItsGraceIsOver() throws Exception {
        a.begin("s");
        assertThat(a.hasReaders("s")).isFalse();
        Registration reading = b.reading("s", Duration.ofMillis(200));
        assertThat(a.hasReaders("s")).isTrue();
        reading.close();
        assertThat(a.hasReaders("s")).as("within the grace").isTrue();
        awaitTrue(() -> !a.hasReaders("s"), Duration.ofSeconds(5), "the grace ended");
    }

    @Test
    void aReadersLeaseIsRenewedByTheHeartbeatBeyondItsFirstTerm() throws Exception {
        a.begin("s");
        Registration reading = b.reading("s", Duration.ZERO);
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(1_000); // more than three heartbeats
        while (System.nanoTime() < end) {
            assertThat(a.hasReaders("s")).isTrue();
        }
        reading.close();
        awaitTrue(() -> !a.hasReaders("s"), Duration.ofSeconds(5), "the reader left");
    }

    @Test
    void aStopSentToOneServerReachesTheProducerOnAnother() throws Exception {
        CountDownLatch stopped = new CountDownLatch(1);
        Registration listening = a.onStop("s", stopped::countDown);
        long start = System.nanoTime();
        b.stop("s");
        assertThat(stopped.await(1, TimeUnit.SECONDS)).as("stopped within a second").isTrue();
        assertThat(System.nanoTime() - start).isLessThan(TimeUnit.SECONDS.toNanos(1));
        listening.close();

        CountDownLatch never = new CountDownLatch(1);
        a.onStop("t", never::countDown).close();
        b.stop("t");
        b.stop("other");
        assertThat(never.getCount()).isOne();
    }

    @Test
    void aStopWhileTheListenerIsDisconnectedReachesTheProducerThroughItsHeartbeat() throws Exception {
        a.begin("s");
        CountDownLatch stopped = new CountDownLatch(1);
        a.onStop("s", stopped::countDown);
        // A stop key as a publish that nobody heard leaves it: only the heartbeat can see it.
        try (var jedis = new redis.clients.jedis.Jedis(redis.uri())) {
            jedis.set("synapsekit:sse:{s}:stop", "1");
        }
        assertThat(stopped.await(5, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void aMissedStopReachesAListenerOfAnIdThatIsNotAStreamProducedHere() throws Exception {
        // UiMessageServlet listens under an id of its own beside the stream's; a missed publish must reach it too.
        CountDownLatch stopped = new CountDownLatch(1);
        a.onStop("s-stop", stopped::countDown);
        try (var jedis = new redis.clients.jedis.Jedis(redis.uri())) {
            jedis.set("synapsekit:sse:{s-stop}:stop", "1");
        }
        assertThat(stopped.await(5, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void aChatsActiveStreamIsFoundFromAnyServer() {
        a.markActive("chat-1", "s1");
        assertThat(b.activeStream("chat-1")).contains("s1");
        a.markActive("chat-1", "s2");
        b.clearActive("chat-1", "s1");
        assertThat(b.activeStream("chat-1")).as("a newer stream's mark is kept").contains("s2");
        b.clearActive("chat-1", "s2");
        assertThat(a.activeStream("chat-1")).isEmpty();
    }

    @Test
    void redisUnreachableAtTheStartFailsFastNamingTheAddress() throws Exception {
        int port = RedisServer.freePort();
        long start = System.nanoTime();
        assertThatThrownBy(() -> RedisSseReplayBuffer.builder(URI.create("redis://:s3cret@127.0.0.1:" + port))
                .timeout(Duration.ofMillis(500)).build())
                .isInstanceOf(SseReplayException.class)
                .hasMessageContaining("redis://127.0.0.1:" + port)
                .hasMessageContaining("unreachable")
                .hasMessageNotContaining("s3cret");
        assertThat(System.nanoTime() - start).isLessThan(TimeUnit.SECONDS.toNanos(10));
    }

    @Test
    void theAddressIsShownWithoutItsPassword() throws Exception {
        URI uri = URI.create("redis://:s3cret@127.0.0.1:" + redis.port());
        assertThatThrownBy(() -> RedisSseReplayBuffer.builder(URI.create("http://:s3cret@h:1")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageNotContaining("s3cret");
        assertThatThrownBy(() -> RedisSseReplayBuffer.builder(uri).build())
                .as("redis-server here has no password: AUTH fails, with a message that does not show it")
                .isInstanceOf(SseReplayException.class).hasMessageNotContaining("s3cret");
        assertThat(a.toString()).contains("redis://127.0.0.1:" + redis.port());
    }

    @Test
    void aDiscardedStreamIsGoneEverywhere() throws Exception {
        a.begin("s");
        a.append("s", 1, event("s", 1, "one"));
        a.discard("s");
        assertThat(a.read("s", 0, Duration.ZERO)).isEmpty();
        assertThat(b.read("s", 0, Duration.ZERO)).isEmpty();
    }

    static void awaitTrue(BooleanSupplier condition, Duration within, String what) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + within + ": " + what);
            }
            TimeUnit.MILLISECONDS.sleep(10); // polling with a deadline
        }
    }

    static List<String> data(Optional<SseReplayBuffer.Slice> slice) {
        List<String> out = new ArrayList<>();
        slice.orElseThrow().events().forEach(e -> out.add(e.data()));
        return out;
    }
}
