package io.synapsekit.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.synapsekit.graph.CompiledGraph;
import io.synapsekit.graph.StateGraph;
import io.synapsekit.server.Registration;
import io.synapsekit.server.SseReplayBuffer;
import io.synapsekit.sse.SseEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import redis.clients.jedis.Jedis;

/**
 * Virtual threads blocked in Jedis (a blocking {@code XREAD}, the pub/sub listener, pooled commands, checkpointed
 * graph runs contending for the pool) do not pin their carriers (JFR {@code jdk.VirtualThreadPinned}). Run it on JDK 21 ({@code -Djvm=/opt/jdk21/bin/java}), where a
 * thread blocking inside {@code synchronized} pins: since JDK 24 that no longer pins, so there it guards only what
 * still does.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PinningTest {

    @Test
    void readersBlockedInRedisDoNotPinTheirCarriers() throws Exception {
        try (RedisServer redis = RedisServer.start()) {
            scenario(redis, "warm-up"); // class loading and initialisation pin by nature, and are not ours
            assertThat(pinnedDuring(() -> scenario(redis, "measured"))).as("pinned virtual threads").isEmpty();
        }
    }

    @Test
    void checkpointedRunsOnManyVirtualThreadsDoNotPinTheirCarriers() throws Exception {
        try (RedisServer redis = RedisServer.start();
                RedisCheckpointer checkpointer = RedisCheckpointer.builder(redis.uri()).maxConnections(4).build()) {
            CompiledGraph graph = new StateGraph()
                    .addNode("a", s -> Map.of("a", 1))
                    .addNode("b", s -> Map.of("b", 2))
                    .addNode("c", s -> Map.of("c", 3))
                    .addEdge("a", "b").addEdge("a", "c")
                    .setEntryPoint("a").compile().withCheckpointer(checkpointer);
            checkpointedRuns(graph, "warm-up");
            // 50 runs on 4 connections: threads wait for the pool and hand connections back while others wait
            assertThat(pinnedDuring(() -> checkpointedRuns(graph, "measured"))).as("pinned virtual threads")
                    .isEmpty();
        }
    }

    private static void checkpointedRuns(CompiledGraph graph, String prefix) throws Exception {
        List<Thread> threads = new ArrayList<>();
        List<Throwable> failed = new CopyOnWriteArrayList<>();
        for (int i = 0; i < 50; i++) {
            String thread = prefix + "-" + i;
            threads.add(Thread.ofVirtual().start(() -> {
                try {
                    assertThat(graph.invoke(thread, Map.of())).containsKeys("a", "b", "c");
                } catch (Throwable e) {
                    failed.add(e);
                }
            }));
        }
        for (Thread t : threads) {
            assertThat(t.join(Duration.ofSeconds(30))).isTrue();
        }
        assertThat(failed).isEmpty();
    }

    @FunctionalInterface
    private interface Scenario {
        void run() throws Exception;
    }

    /** Runs {@code scenario} under JFR; returns each pinning of a virtual thread, but class loading's. */
    private static List<String> pinnedDuring(Scenario scenario) throws Exception {
        List<String> pinned = new CopyOnWriteArrayList<>();
        try (RecordingStream rs = new RecordingStream()) {
            rs.enable("jdk.VirtualThreadPinned").withThreshold(Duration.ZERO).withStackTrace();
            rs.onEvent("jdk.VirtualThreadPinned", e -> {
                String stack = stack(e);
                if (!stack.contains("ClassLoader.loadClass") && !stack.contains("<clinit>")) {
                    RecordedThread thread = e.getThread("eventThread");
                    pinned.add((thread == null ? "a virtual thread" : thread.getJavaName()) + " pinned "
                            + e.getDuration().toMillis() + " ms at\n" + stack);
                }
            });
            rs.startAsync();
            scenario.run();
            rs.stop();
        }
        return pinned;
    }

    /** 50 virtual threads all blocked at once in XREAD BLOCK on another server's stream, then a stop. */
    private static void scenario(RedisServer redis, String id) throws Exception {
        try (RedisSseReplayBuffer producer = RedisSseReplayBufferTest.buffer(redis.uri());
                RedisSseReplayBuffer reader = RedisSseReplayBufferTest.buffer(redis.uri())) {
            producer.begin(id);
            CountDownLatch stopped = new CountDownLatch(1);
            Registration onStop = producer.onStop(id, stopped::countDown);
            List<Thread> threads = new ArrayList<>();
            CountDownLatch allRead = new CountDownLatch(50);
            for (int i = 0; i < 50; i++) {
                threads.add(Thread.ofVirtual().start(() -> {
                    try (Registration r = reader.reading(id, Duration.ZERO)) {
                        SseReplayBuffer.Slice slice = reader.read(id, 0, Duration.ofSeconds(10)).orElseThrow();
                        if (!slice.events().isEmpty()) {
                            allRead.countDown();
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }));
            }
            RedisSseReplayBufferTest.awaitTrue(() -> producer.hasReaders(id), Duration.ofSeconds(5), "readers");
            try (Jedis admin = new Jedis(redis.uri())) {
                // the state under test: every reader blocked in XREAD BLOCK, as Redis itself counts them
                RedisSseReplayBufferTest.awaitTrue(() -> blockedClients(admin) >= 50, Duration.ofSeconds(10),
                        "50 readers blocked in XREAD");
            }
            producer.append(id, 1, SseEvent.message("one").withId(id + "-1"));
            assertThat(allRead.await(10, TimeUnit.SECONDS)).isTrue();
            reader.stop(id);
            assertThat(stopped.await(5, TimeUnit.SECONDS)).isTrue();
            onStop.close();
            producer.complete(id);
            for (Thread t : threads) {
                assertThat(t.join(Duration.ofSeconds(5))).isTrue();
            }
        }
    }

    private static long blockedClients(Jedis admin) {
        return admin.info("clients").lines().filter(l -> l.startsWith("blocked_clients:"))
                .mapToLong(l -> Long.parseLong(l.substring("blocked_clients:".length()).trim())).sum();
    }

    private static String stack(RecordedEvent e) {
        RecordedStackTrace trace = e.getStackTrace();
        if (trace == null) {
            return "(no stack trace)";
        }
        StringBuilder out = new StringBuilder();
        for (RecordedFrame f : trace.getFrames()) {
            out.append("  ").append(f.getMethod().getType().getName()).append('.').append(f.getMethod().getName())
                    .append(':').append(f.getLineNumber()).append('\n');
        }
        return out.toString();
    }
}
