package io.synapsekit.benchmarks;

import io.synapsekit.checkpoint.jdbc.JdbcCheckpointer;
import io.synapsekit.checkpoint.jdbc.PooledDataSource;
import io.synapsekit.checkpoint.jdbc.PostgresServer;
import io.synapsekit.graph.Checkpointer;
import io.synapsekit.graph.CompiledGraph;
import io.synapsekit.graph.MemoryCheckpointer;
import io.synapsekit.graph.StateGraph;
import io.synapsekit.redis.RedisCheckpointer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What a checkpoint costs per step of a graph run, PostgreSQL ({@link JdbcCheckpointer}) and Redis
 * ({@link RedisCheckpointer}) against the memory checkpointer, all against the same run without a checkpointer,
 * measured in the same run, interleaved, medians:
 * <ul>
 *   <li>a linear chain: one checkpoint per step (one {@code INSERT} on PostgreSQL, one script on Redis);</li>
 *   <li>a run of {@code a -> (b, c, d)}: three checkpoints (the input, after {@code a}, after the fan-out wave) and
 *       three pending writes, one per branch.</li>
 * </ul>
 * The state is about 1 KiB of JSON. PostgreSQL runs locally, started by this benchmark in a fresh directory under
 * /tmp with its default durability ({@code fsync} and {@code synchronous_commit} on), reached over loopback TCP
 * through a small connection pool. Redis runs locally too, a {@code redis-server} started by this benchmark on a free
 * loopback port without persistence ({@code --save '' --appendonly no}), as {@code RedisReplayBenchmark} starts it.
 *
 * <p>Run after {@code mvn -pl benchmarks -am package -DskipTests}, on JDK 21+ with PostgreSQL and Redis installed:
 * {@code java -cp benchmarks/target/benchmarks.jar io.synapsekit.benchmarks.CheckpointBenchmark [rounds]}.
 */
public final class CheckpointBenchmark {

    static final int STEPS = 40;
    static final int RUNS_PER_ROUND = 5;
    private static final AtomicLong THREADS = new AtomicLong();

    private CheckpointBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 9;
        try (PostgresServer pg = PostgresServer.start(true);
                PooledDataSource pool = new PooledDataSource(pg.dataSource(), 8);
                RedisProcess redisServer = RedisProcess.start();
                RedisCheckpointer redis = RedisCheckpointer.builder(redisServer.uri()).maxConnections(8).build()) {
            Checkpointer jdbc = JdbcCheckpointer.of(pool);
            jdbc.head("warm-up");   // creates the schema outside the measurement
            Checkpointer memory = new MemoryCheckpointer();
            Map<String, Object> input = input();

            CompiledGraph chain = chain();
            CompiledGraph fanOut = fanOut();
            Variant[] chainVariants = {
                new Variant("chain, no checkpointer", () -> chain.invoke(input)),
                new Variant("chain, memory", () -> chain.withCheckpointer(memory).invoke(thread(), input)),
                new Variant("chain, PostgreSQL", () -> chain.withCheckpointer(jdbc).invoke(thread(), input)),
                new Variant("chain, Redis", () -> chain.withCheckpointer(redis).invoke(thread(), input)),
            };
            Variant[] fanVariants = {
                new Variant("fan-out, no checkpointer", () -> fanOut.invoke(input)),
                new Variant("fan-out, memory", () -> fanOut.withCheckpointer(memory).invoke(thread(), input)),
                new Variant("fan-out, PostgreSQL", () -> fanOut.withCheckpointer(jdbc).invoke(thread(), input)),
                new Variant("fan-out, Redis", () -> fanOut.withCheckpointer(redis).invoke(thread(), input)),
            };
            double[] chainNs = measure(chainVariants, rounds, STEPS);
            double[] fanNs = measure(fanVariants, rounds, 1);

            System.out.printf("checkpoint cost, %d rounds of %d runs, medians (%s, %d cores)%n", rounds,
                    RUNS_PER_ROUND, Runtime.version(), Runtime.getRuntime().availableProcessors());
            report("per step of a linear chain (one checkpoint)", chainNs);
            report("per run of a -> (b, c, d) (three checkpoints, three pending writes)", fanNs);
        }
    }

    private static void report(String what, double[] ns) {
        double memoryCost = ns[1] - ns[0];
        double pgCost = ns[2] - ns[0];
        double redisCost = ns[3] - ns[0];
        System.out.printf("%s:%n  no checkpointer %,.0f ns; memory %,.0f ns (+%,.0f); PostgreSQL %,.0f ns (+%,.0f);"
                + " Redis %,.0f ns (+%,.0f)%n"
                + "  PostgreSQL / memory: %.1fx the checkpoint cost, %.1fx the step%n"
                + "  Redis / memory: %.1fx the checkpoint cost, %.1fx the step%n"
                + "  PostgreSQL / Redis: %.1fx the checkpoint cost%n", what, ns[0], ns[1], memoryCost, ns[2], pgCost,
                ns[3], redisCost, pgCost / memoryCost, ns[2] / ns[1], redisCost / memoryCost, ns[3] / ns[1],
                pgCost / redisCost);
    }

    private record Variant(String name, Runnable run) {
    }

    /** Returns each variant's median ns per unit, rounds interleaved so that drift hits all alike. */
    private static double[] measure(Variant[] variants, int rounds, int unitsPerRun) {
        for (int w = 0; w < 3; w++) {
            for (Variant v : variants) {
                for (int i = 0; i < RUNS_PER_ROUND; i++) {
                    v.run().run();
                }
            }
        }
        double[][] samples = new double[variants.length][rounds];
        for (int r = 0; r < rounds; r++) {
            for (int k = 0; k < variants.length; k++) {
                int v = (k + r) % variants.length;   // rotate the order each round
                long start = System.nanoTime();
                for (int i = 0; i < RUNS_PER_ROUND; i++) {
                    variants[v].run().run();
                }
                samples[v][r] = (System.nanoTime() - start) / (double) (RUNS_PER_ROUND * unitsPerRun);
            }
        }
        double[] medians = new double[variants.length];
        for (int v = 0; v < variants.length; v++) {
            Arrays.sort(samples[v]);
            medians[v] = samples[v][rounds / 2];
        }
        return medians;
    }

    private static String thread() {
        return "bench-" + THREADS.incrementAndGet();
    }

    /** About 1 KiB of state: eight 100-character strings and a counter. */
    private static Map<String, Object> input() {
        Map<String, Object> in = new LinkedHashMap<>();
        for (int i = 0; i < 8; i++) {
            in.put("field" + i, "x".repeat(100));
        }
        in.put("step", 0);
        return in;
    }

    private static CompiledGraph chain() {
        StateGraph g = new StateGraph();
        for (int i = 0; i < STEPS; i++) {
            int step = i;
            g.addNode("n" + i, s -> Map.of("step", step, "note", "step " + step));
            if (i > 0) {
                g.addEdge("n" + (i - 1), "n" + i);
            }
        }
        return g.setEntryPoint("n0").stepLimit(STEPS + 1).compile();
    }

    private static CompiledGraph fanOut() {
        return new StateGraph()
                .addNode("a", s -> Map.of("a", 1))
                .addNode("b", s -> Map.of("b", 2))
                .addNode("c", s -> Map.of("c", 3))
                .addNode("d", s -> Map.of("d", 4))
                .addEdge("a", "b").addEdge("a", "c").addEdge("a", "d")
                .setEntryPoint("a").compile();
    }

    /** A {@code redis-server} on a free loopback port, without persistence, killed on close. */
    private record RedisProcess(Process process, URI uri) implements AutoCloseable {

        static RedisProcess start() throws IOException, InterruptedException {
            int port;
            try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                port = s.getLocalPort();
            }
            Process p = new ProcessBuilder("redis-server", "--port", Integer.toString(port), "--bind", "127.0.0.1",
                    "--save", "", "--appendonly", "no")
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectErrorStream(true).start();
            URI uri = URI.create("redis://127.0.0.1:" + port);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (true) {
                try (RedisCheckpointer probe = RedisCheckpointer.connect(uri)) {
                    return new RedisProcess(p, uri);
                } catch (RuntimeException e) {
                    if (System.nanoTime() > deadline || !p.isAlive()) {
                        p.destroyForcibly();
                        throw e;
                    }
                    TimeUnit.MILLISECONDS.sleep(20);   // waiting for a process to come up
                }
            }
        }

        @Override
        public void close() throws InterruptedException {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
