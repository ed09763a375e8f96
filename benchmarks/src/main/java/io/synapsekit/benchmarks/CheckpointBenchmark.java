package io.synapsekit.benchmarks;

import io.synapsekit.checkpoint.jdbc.JdbcCheckpointer;
import io.synapsekit.checkpoint.jdbc.PooledDataSource;
import io.synapsekit.checkpoint.jdbc.PostgresServer;
import io.synapsekit.graph.Checkpointer;
import io.synapsekit.graph.CompiledGraph;
import io.synapsekit.graph.MemoryCheckpointer;
import io.synapsekit.graph.StateGraph;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What a checkpoint costs per step of a graph run, PostgreSQL ({@link JdbcCheckpointer}) against the memory
 * checkpointer, both against the same run without a checkpointer, measured in the same run, interleaved, medians:
 * <ul>
 *   <li>a linear chain: one checkpoint per step (one {@code INSERT} on PostgreSQL);</li>
 *   <li>a run of {@code a -> (b, c, d)}: three checkpoints (the input, after {@code a}, after the fan-out wave) and
 *       three pending writes, one per branch.</li>
 * </ul>
 * The state is about 1 KiB of JSON. PostgreSQL runs locally, started by this benchmark in a fresh directory under
 * /tmp with its default durability ({@code fsync} and {@code synchronous_commit} on), reached over loopback TCP
 * through a small connection pool.
 *
 * <p>Run after {@code mvn -pl benchmarks -am package -DskipTests}, on JDK 21+ with PostgreSQL installed:
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
                PooledDataSource pool = new PooledDataSource(pg.dataSource(), 8)) {
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
            };
            Variant[] fanVariants = {
                new Variant("fan-out, no checkpointer", () -> fanOut.invoke(input)),
                new Variant("fan-out, memory", () -> fanOut.withCheckpointer(memory).invoke(thread(), input)),
                new Variant("fan-out, PostgreSQL", () -> fanOut.withCheckpointer(jdbc).invoke(thread(), input)),
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
        System.out.printf("%s:%n  no checkpointer %,.0f ns; memory %,.0f ns (+%,.0f); PostgreSQL %,.0f ns (+%,.0f)%n"
                + "  PostgreSQL / memory: %.1fx the checkpoint cost, %.1fx the step%n", what, ns[0], ns[1],
                memoryCost, ns[2], pgCost, pgCost / memoryCost, ns[2] / ns[1]);
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
}
