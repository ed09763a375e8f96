package io.synapsekit.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.synapsekit.graph.Checkpoint;
import io.synapsekit.graph.CompiledGraph;
import io.synapsekit.graph.CrashChecks;
import io.synapsekit.graph.CrashChildJvm;
import io.synapsekit.graph.CrashGraph;
import io.synapsekit.graph.GraphEvent;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import redis.clients.jedis.Jedis;

/**
 * Durable graph runs on Redis proven by killing their JVM, as checkpoint-jdbc's {@code CrashTest} proves them on
 * PostgreSQL, smaller: 100 runs of the six-node fan-out graph in 4 child JVMs killed with {@code destroyForcibly}
 * (two batches frozen at seeded nodes, before or after their side effect; two killed after a seeded random delay),
 * each batch then resumed by a fresh {@link RedisCheckpointer} in this JVM. Each final state must equal an unbroken
 * run's, and each node's side effect (a counter in Redis) must have happened once, or twice for a node in flight at
 * the kill. Before reading the state at the kill, the test waits until Redis has dropped every connection of the
 * killed JVM, so whatever it sent is settled.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class CrashResumeTest {

    private static final int BATCHES = 4;
    private static final int RUNS = 25;
    private static final long SEED = Long.getLong("synapsekit.crash.seed", 20261207L);

    private final CrashChecks checks = new CrashChecks(SEED);

    @Test
    void everyKilledRunResumesWithAFreshInstanceToTheUnbrokenStateWithEachSideEffectOnce() throws Exception {
        Random delays = new Random(SEED);
        try (RedisServer redis = RedisServer.start(); Jedis jedis = new Jedis("127.0.0.1", redis.port())) {
            for (int batch = 0; batch < BATCHES; batch++) {
                boolean timed = batch % 2 == 1;
                try (CrashChildJvm killed = child(redis.uri(), batch, timed)) {
                    if (timed) {
                        killed.await(line -> line.equals("STARTED"), 1);
                        TimeUnit.MILLISECONDS.sleep(delays.nextInt(250));   // the seeded kill point itself
                    } else {
                        killed.await(line -> line.startsWith("FROZEN ") || line.startsWith("DONE "), RUNS);
                    }
                    killed.kill();
                }
                awaitNoClientsOfTheKilledJvm(jedis);

                try (RedisCheckpointer fresh = RedisCheckpointer.connect(redis.uri())) {
                    List<Map<String, Integer>> countsAtKill = new ArrayList<>();
                    List<Optional<Checkpoint>> headsAtKill = new ArrayList<>();
                    for (int r = 0; r < RUNS; r++) {
                        countsAtKill.add(counts(jedis, CrashGraph.thread(batch, r)));
                        headsAtKill.add(fresh.head(CrashGraph.thread(batch, r)));
                    }
                    resumeAll(redis.uri(), fresh, batch);
                    for (int r = 0; r < RUNS; r++) {
                        String thread = CrashGraph.thread(batch, r);
                        checks.check(batch, r, timed, countsAtKill.get(r), headsAtKill.get(r), counts(jedis, thread),
                                fresh.head(thread).orElseThrow());
                    }
                }
            }
        }

        Map<String, Integer> seen = checks.seen();
        System.out.println("Redis crash test, seed " + SEED + ": " + seen);   // in the Surefire report
        assertThat(seen.getOrDefault("runs", 0)).isEqualTo(BATCHES * RUNS);
        assertThat(seen.getOrDefault("killed mid-fan-out with some branches stored (frozen)", 0))
                .as("coverage: %s", seen).isPositive();
        assertThat(seen.getOrDefault("nodes in flight at the kill, run twice", 0)).as("coverage: %s", seen)
                .isPositive();
    }

    private static void resumeAll(URI uri, RedisCheckpointer checkpointer, int batch) {
        CrashGraph.Effects counting = new CrashGraph.Effects() {
            @Override
            public void before(String thread, String node) {
            }

            @Override
            public void effect(String thread, String node) {
                CrashChild.count(uri, thread, node);
            }

            @Override
            public void after(String thread, String node) {
            }
        };
        CompiledGraph graph = CrashGraph.build(counting).withCheckpointer(checkpointer);
        for (int r = 0; r < RUNS; r++) {
            String thread = CrashGraph.thread(batch, r);
            Optional<Checkpoint> head = checkpointer.head(thread);
            if (head.isEmpty()) {
                graph.invoke(thread, CrashGraph.input(thread, SEED + r));   // killed before its first checkpoint
            } else if (head.get().resumable()) {
                assertThat(graph.resume(thread, null).toList().getLast()).as(thread)
                        .isInstanceOf(GraphEvent.Done.class);
            }
        }
    }

    private static Map<String, Integer> counts(Jedis jedis, String thread) {
        Map<String, Integer> out = new HashMap<>();
        jedis.hgetAll(CrashChild.counters(thread)).forEach((node, n) -> out.put(node, Integer.parseInt(n)));
        return out;
    }

    /**
     * Waits until Redis has dropped every connection of the killed JVM (its counters' and its checkpointer's; this
     * JVM has no checkpointer open meanwhile), so a command it sent just before dying has run or never will.
     */
    private static void awaitNoClientsOfTheKilledJvm(Jedis jedis) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            String clients = jedis.clientList();
            if (!clients.contains("name=" + CrashChild.CLIENT_NAME + " ")
                    && !clients.contains("name=synapsekit-checkpointer ")) {
                return;
            }
            assertThat(System.nanoTime()).as("Redis still has clients of the killed JVM: %s", clients)
                    .isLessThan(deadline);
            TimeUnit.MILLISECONDS.sleep(10);   // polling interval of a deadline poll
        }
    }

    private static CrashChildJvm child(URI redis, int batch, boolean timed) throws IOException {
        return CrashChildJvm.start(CrashChild.class, redis.toString(), String.valueOf(batch), String.valueOf(RUNS),
                String.valueOf(SEED), timed ? "timed" : "frozen");
    }
}
