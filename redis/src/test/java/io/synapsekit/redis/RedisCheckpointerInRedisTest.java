package io.synapsekit.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.synapsekit.graph.Checkpoint;
import io.synapsekit.graph.CheckpointConflictException;
import io.synapsekit.graph.CheckpointException;
import io.synapsekit.graph.Checkpointer;
import io.synapsekit.graph.CompiledGraph;
import io.synapsekit.graph.GraphEvent;
import io.synapsekit.graph.Interrupt;
import io.synapsekit.graph.NodeFailedException;
import io.synapsekit.graph.StateGraph;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import redis.clients.jedis.Jedis;

/**
 * What {@link RedisCheckpointer} does that only a Redis store does: connection lost mid-run, a frozen Redis, two
 * instances racing on one thread, keys that expire together, bad data in a key, a run resumed by a fresh
 * instance, and credentials kept out of sight. Each test starts its own redis-server.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RedisCheckpointerInRedisTest {

    private RedisServer redis;
    private final List<AutoCloseable> opened = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws Exception {
        redis = RedisServer.start();
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : opened) {
            c.close();
        }
        redis.close();
    }

    private RedisCheckpointer.Builder builder() {
        return RedisCheckpointer.builder(redis.uri());
    }

    private RedisCheckpointer open(RedisCheckpointer.Builder b) {
        RedisCheckpointer cp = b.build();
        opened.add(cp);
        return cp;
    }

    private Jedis jedis() {
        Jedis jedis = new Jedis("127.0.0.1", redis.port());
        opened.add(jedis);
        return jedis;
    }

    private static String thread() {
        return "thread-" + UUID.randomUUID();
    }

    private static Checkpoint checkpoint(String thread, long version, @Nullable String parent, List<String> next) {
        return new Checkpoint(thread, UUID.randomUUID().toString(), parent, version, (int) version - 1,
                Map.of("v", version), next, Map.of(), null, Map.of(), Instant.parse("2026-01-01T00:00:00Z"));
    }

    @Test
    void redisLostMidRunEndsTheRunWithATypedErrorNamingRedis() throws Exception {
        RedisCheckpointer cp = open(builder().timeout(Duration.ofSeconds(1)));
        CountDownLatch inNode = new CountDownLatch(1);
        CountDownLatch redisGone = new CountDownLatch(1);
        CompiledGraph graph = new StateGraph()
                .addNode("a", s -> {
                    inNode.countDown();
                    try {
                        assertThat(redisGone.await(10, TimeUnit.SECONDS)).isTrue();
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                    return Map.of("a", 1);
                })
                .addNode("b", s -> Map.of("b", 2))
                .addEdge("a", "b").setEntryPoint("a").compile().withCheckpointer(cp);
        String t = thread();
        AtomicInteger done = new AtomicInteger();
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        Thread run = Thread.ofVirtual().start(() -> {
            try {
                graph.invoke(t, Map.of());
                done.incrementAndGet();
            } catch (Throwable e) {
                failures.add(e);
            }
        });
        assertThat(inNode.await(10, TimeUnit.SECONDS)).isTrue();

        redis.kill();
        redisGone.countDown();
        run.join();

        assertThat(done).hasValue(0);
        assertThat(failures).hasSize(1);
        Throwable e = failures.get(0);
        while (!(e instanceof CheckpointException) && e.getCause() != null) {
            e = e.getCause();
        }
        assertThat(e).isInstanceOf(CheckpointException.class)
                .hasMessageContaining("Redis at " + redis.uri()).hasMessageContaining("unreachable")
                .hasMessageContaining(t);
    }

    @Test
    void aFrozenRedisEndsACallWithinTheTimeoutNotAHang() throws Exception {
        RedisCheckpointer cp = open(builder().timeout(Duration.ofMillis(500)));
        String t = thread();
        cp.put(checkpoint(t, 1, null, List.of("a")));

        redis.freeze();
        try {
            assertThatThrownBy(() -> cp.head(t)).isInstanceOf(CheckpointException.class)
                    .hasMessageContaining("read checkpoints of thread '" + t + "'")
                    .hasMessageContaining("Redis at " + redis.uri());
        } finally {
            redis.thaw();
        }
        assertThat(cp.head(t)).as("works again once Redis answers").isPresent();
    }

    @Test
    void aRestartedRedisIsReachedAgainWithoutFailingACall() throws Exception {
        RedisCheckpointer cp = open(builder());
        String t = thread();
        cp.put(checkpoint(t, 1, null, List.of("a")));

        redis.restart();   // empty: no persistence; every pooled connection is now dead

        assertThat(cp.head(t)).isEmpty();
        cp.put(checkpoint(t, 1, null, List.of("a")));
        assertThat(cp.head(t)).isPresent();
    }

    @Test
    void ofTwoInstancesResumingOneThreadOneGoesOnAndTheOtherGetsAConflict() throws Exception {
        RedisCheckpointer first = open(builder());
        RedisCheckpointer second = open(builder());
        StateGraph g = new StateGraph()
                .addNode("ask", s -> Map.of("answer", Interrupt.ask("?")))
                .setEntryPoint("ask");
        String t = thread();
        assertThat(g.compile().withCheckpointer(first).events(t, Map.of()).toList().getLast())
                .isInstanceOf(GraphEvent.Interrupted.class);
        CyclicBarrier bothReadTheHead = new CyclicBarrier(2);
        List<Object> outcomes = new CopyOnWriteArrayList<>();
        List<Thread> resumers = new CopyOnWriteArrayList<>();
        int i = 0;
        for (RedisCheckpointer instance : List.of(first, second)) {
            CompiledGraph c = g.compile().withCheckpointer(new HeadBarrier(instance, bothReadTheHead));
            String answer = "from instance " + i++;
            resumers.add(Thread.ofVirtual().start(() -> {
                try {
                    outcomes.add(c.resume(t, answer).toList().getLast());
                } catch (RuntimeException e) {
                    outcomes.add(e);
                }
            }));
        }
        for (Thread r : resumers) {
            r.join();
        }

        assertThat(outcomes).hasSize(2);
        assertThat(outcomes).filteredOn(o -> o instanceof CheckpointConflictException).hasSize(1)
                .first().satisfies(e -> assertThat(((CheckpointConflictException) e).threadId()).isEqualTo(t));
        GraphEvent.Done done = (GraphEvent.Done) outcomes.stream().filter(o -> o instanceof GraphEvent.Done)
                .findFirst().orElseThrow();
        assertThat(first.head(t).orElseThrow().state()).isEqualTo(done.state());
        assertThat(second.head(t).orElseThrow().state()).isEqualTo(done.state());
    }

    @Test
    void everyKeyOfAThreadExpiresTogetherAfterTheTtlAndEachWriteRenewsThem() throws Exception {
        Duration ttl = Duration.ofMillis(1500);
        RedisCheckpointer cp = open(builder().ttl(ttl).keyPrefix("ttl-test:"));
        String t = thread();
        Checkpoint c = checkpoint(t, 1, null, List.of("a", "b"));
        cp.put(c);
        cp.putWrite(t, c.id(), "a", Map.of("a", 1));
        Jedis jedis = jedis();
        CheckpointKeys keys = new CheckpointKeys("ttl-test:");

        for (String key : keys.all(t)) {
            assertThat(jedis.pttl(key)).as(key).isBetween(1L, ttl.toMillis());
        }
        RedisCheckpointer longer = open(builder().ttl(Duration.ofMinutes(1)).keyPrefix("ttl-test:"));
        String renewed = thread();
        Checkpoint r = checkpoint(renewed, 1, null, List.of("a", "b"));
        longer.put(r);
        longer.putWrite(renewed, r.id(), "a", Map.of("a", 1));
        for (String key : keys.all(renewed)) {
            jedis.pexpire(key, 5_000);
        }
        longer.putWrite(renewed, r.id(), "b", Map.of("b", 2));
        for (String key : keys.all(renewed)) {
            assertThat(jedis.pttl(key)).as("%s renewed by a pending write", key).isGreaterThan(5_000L);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (jedis.exists(keys.all(t).toArray(String[]::new)) > 0) {
            assertThat(System.nanoTime()).as("keys still there 10 s after a TTL of " + ttl).isLessThan(deadline);
            TimeUnit.MILLISECONDS.sleep(20);   // polling Redis's own expiry, not synchronising our threads
        }
        assertThat(cp.head(t)).isEmpty();

        RedisCheckpointer noTtl = open(builder().keyPrefix("ttl-test:"));
        String kept = thread();
        noTtl.put(checkpoint(kept, 1, null, List.of("a")));
        assertThat(jedis.pttl(keys.ids(kept))).as("no TTL unless set").isEqualTo(-1L);
        assertThat(jedis.exists(keys.touched(kept))).isFalse();
    }

    @Test
    void badDataInAKeyIsATypedErrorNamingTheKey() {
        RedisCheckpointer cp = open(builder());
        CheckpointKeys keys = new CheckpointKeys("synapsekit:checkpoint:");
        Jedis jedis = jedis();

        String wrongType = thread();
        jedis.set(keys.ids(wrongType), "not a list");
        assertThatThrownBy(() -> cp.head(wrongType)).isInstanceOf(CheckpointException.class)
                .hasMessageContaining(keys.ids(wrongType)).hasMessageContaining("holds a string, expected a list");
        assertThatThrownBy(() -> cp.put(checkpoint(wrongType, 1, null, List.of())))
                .isInstanceOf(CheckpointException.class).hasMessageContaining(keys.ids(wrongType));

        String badBody = thread();
        Checkpoint c = checkpoint(badBody, 1, null, List.of("a"));
        cp.put(c);
        jedis.hset(keys.bodies(badBody), c.id(), "{not json");
        assertThatThrownBy(() -> cp.history(badBody, 10)).isInstanceOf(CheckpointException.class)
                .hasMessageContaining(keys.bodies(badBody)).hasMessageContaining(c.id());

        String badWrite = thread();
        Checkpoint w = checkpoint(badWrite, 1, null, List.of("a"));
        cp.put(w);
        jedis.hset(keys.writes(badWrite), w.id(), "[\"a\", 42]\n");
        assertThatThrownBy(() -> cp.get(badWrite, w.id())).isInstanceOf(CheckpointException.class)
                .hasMessageContaining(keys.writes(badWrite)).hasMessageContaining(w.id());

        String missing = thread();
        Checkpoint m = checkpoint(missing, 1, null, List.of("a"));
        cp.put(m);
        jedis.hdel(keys.bodies(missing), m.id());
        assertThatThrownBy(() -> cp.head(missing)).isInstanceOf(CheckpointException.class)
                .hasMessageContaining(keys.bodies(missing)).hasMessageContaining(m.id());

        RedisCheckpointer withTtl = open(builder().ttl(Duration.ofMinutes(1)));
        String badTime = thread();
        withTtl.put(checkpoint(badTime, 1, null, List.of("a")));
        jedis.set(keys.touched(badTime), "yesterday");
        assertThatThrownBy(() -> withTtl.head(badTime)).isInstanceOf(CheckpointException.class)
                .hasMessageContaining(keys.touched(badTime));
    }

    @Test
    void aRunStoppedMidWaveResumesWithAFreshInstanceOnTheSameRedis() {
        String t = thread();
        AtomicInteger bRuns = new AtomicInteger();
        AtomicInteger cRuns = new AtomicInteger();
        StateGraph g = new StateGraph()
                .addNode("a", s -> Map.of("log", "a"))
                .addNode("b", s -> {
                    bRuns.incrementAndGet();
                    return Map.of("log", "b");
                })
                .addNode("c", s -> {
                    if (cRuns.incrementAndGet() == 1) {
                        throw new IllegalStateException("crash stand-in");
                    }
                    return Map.of("log", "c");
                })
                .addNode("d", s -> Map.of("done", s.get("log")))
                .addEdge("a", "b").addEdge("a", "c").addEdge("b", "d").addEdge("c", "d")
                .reducer("log", StateGraph.appendToList())
                .setEntryPoint("a");
        RedisCheckpointer crashed = builder().build();
        assertThatThrownBy(() -> g.compile().withCheckpointer(crashed).invoke(t, Map.of()))
                .isInstanceOf(NodeFailedException.class);
        crashed.close();   // the instance is gone; only Redis remembers

        RedisCheckpointer fresh = open(builder());
        assertThat(fresh.head(t).orElseThrow().writes()).containsOnlyKeys("b");
        List<GraphEvent> end = g.compile().withCheckpointer(fresh).resume(t, null).toList();

        assertThat(end.getLast()).isInstanceOfSatisfying(GraphEvent.Done.class,
                d -> assertThat(d.state()).containsEntry("done", List.of("a", "b", "c")));
        assertThat(bRuns).hasValue(1);
        assertThat(cRuns).hasValue(2);
    }

    @Test
    void credentialsStayOutOfToStringAndMessages() throws Exception {
        try (RedisServer locked = RedisServer.start("--requirepass", "s3cret-pass")) {
            URI right = URI.create("redis://:s3cret-pass@127.0.0.1:" + locked.port());
            RedisCheckpointer cp = open(RedisCheckpointer.builder(right));
            String t = thread();
            cp.put(checkpoint(t, 1, null, List.of()));
            assertThat(cp.head(t)).isPresent();
            assertThat(cp.toString()).contains("127.0.0.1:" + locked.port()).doesNotContain("s3cret");

            URI wrong = URI.create("redis://:wrong-s3cret@127.0.0.1:" + locked.port());
            assertThatThrownBy(() -> RedisCheckpointer.connect(wrong)).isInstanceOf(CheckpointException.class)
                    .hasMessageContaining("127.0.0.1:" + locked.port()).hasMessageNotContaining("s3cret");
        }
        URI bad = URI.create("http://user:s3cret@127.0.0.1:1");
        assertThatThrownBy(() -> RedisCheckpointer.builder(bad)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("redis://").hasMessageNotContaining("s3cret");
    }

    @Test
    void badSettingsAndAnUnreachableRedisFailFastNamingWhatIsWrong() throws Exception {
        assertThatThrownBy(() -> builder().keyPrefix("app{1}:")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("keyPrefix").hasMessageContaining("app{1}:");
        assertThatThrownBy(() -> builder().ttl(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ttl");
        assertThatThrownBy(() -> builder().maxConnections(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxConnections");
        assertThatThrownBy(() -> RedisCheckpointer.builder(URI.create("redis://127.0.0.1/x")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("database number");
        URI nobody = URI.create("redis://127.0.0.1:" + RedisServer.freePort());
        assertThatThrownBy(() -> RedisCheckpointer.builder(nobody).timeout(Duration.ofMillis(500)).build())
                .isInstanceOf(CheckpointException.class).hasMessageContaining("Redis at " + nobody)
                .hasMessageContaining("unreachable");
        RedisCheckpointer closed = builder().build();
        closed.close();
        closed.close();
        assertThatThrownBy(() -> closed.head("t")).isInstanceOf(CheckpointException.class)
                .hasMessageContaining("closed");
    }

    /** Holds its first head read until the other instance's first one happened, so two resumes race on one version. */
    private static final class HeadBarrier implements Checkpointer {
        private final Checkpointer delegate;
        private final CyclicBarrier barrier;
        private final AtomicBoolean waited = new AtomicBoolean();

        HeadBarrier(Checkpointer delegate, CyclicBarrier barrier) {
            this.delegate = delegate;
            this.barrier = barrier;
        }

        @Override
        public void put(Checkpoint checkpoint) {
            delegate.put(checkpoint);
        }

        @Override
        public void putWrite(String threadId, String checkpointId, String node,
                Map<String, @Nullable Object> update) {
            delegate.putWrite(threadId, checkpointId, node, update);
        }

        @Override
        public Optional<Checkpoint> head(String threadId) {
            Optional<Checkpoint> h = delegate.head(threadId);
            if (waited.compareAndSet(false, true)) {
                try {
                    barrier.await(10, TimeUnit.SECONDS);
                } catch (Exception e) {
                    throw new IllegalStateException("the other resume never read the head", e);
                }
            }
            return h;
        }

        @Override
        public Optional<Checkpoint> get(String threadId, String checkpointId) {
            return delegate.get(threadId, checkpointId);
        }

        @Override
        public List<Checkpoint> history(String threadId, int limit) {
            return delegate.history(threadId, limit);
        }

        @Override
        public void delete(String threadId) {
            delegate.delete(threadId);
        }
    }
}
