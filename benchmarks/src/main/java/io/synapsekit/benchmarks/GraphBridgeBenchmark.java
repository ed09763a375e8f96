package io.synapsekit.benchmarks;

import io.synapsekit.graph.CompiledGraph;
import io.synapsekit.graph.GraphStreams;
import io.synapsekit.graph.Node;
import io.synapsekit.graph.NodeUpdate;
import io.synapsekit.graph.StateGraph;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.stream.Stream;

/**
 * The cost of the graph machinery, each against a baseline measured in the same run, alternating, medians:
 * <ul>
 *   <li>ns per node hop of a linear graph, run by {@code invoke} (on the calling thread) and by {@code stream}
 *       (run thread + bounded queue), against calling the same {@link Node} directly, and against a direct call
 *       plus one hand-off of its result through an {@link ArrayBlockingQueue} to another virtual thread;</li>
 *   <li>ns per token emitted by a node through {@link GraphStreams#streamTokens} (the token bridge), against a
 *       bare {@link ArrayBlockingQueue} hand-off between two virtual threads with the same capacity.</li>
 * </ul>
 *
 * <p>Run after {@code mvn -pl benchmarks -am package -DskipTests}, on JDK 21+:
 * {@code java -cp core/target/classes:graph/target/classes:benchmarks/target/classes:<jackson-databind,
 * jackson-core, jackson-annotations and slf4j-api jars> io.synapsekit.benchmarks.GraphBridgeBenchmark [rounds]}.
 * The reader runs on a virtual thread, as a server handler would.
 */
public final class GraphBridgeBenchmark {

    static final int HOPS = 1_000;
    static final int TOKENS = 200_000;
    private static final int CAPACITY = 256;

    private GraphBridgeBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 11;
        // Readers of graph streams are typically virtual threads (one per request), so measure from one.
        Exception[] failure = new Exception[1];
        Thread.ofVirtual().name("benchmark").start(() -> {
            try {
                measure(rounds);
            } catch (Exception e) {
                failure[0] = e;
            }
        }).join();
        if (failure[0] != null) {
            throw failure[0];
        }
    }

    static void measure(int rounds) throws Exception {
        Node node = state -> Map.of("n", ((Integer) state.getOrDefault("n", 0)) + 1);
        CompiledGraph chain = chain(node);
        CompiledGraph talker = new StateGraph().addNode("talk", state -> {
            for (int i = 0; i < TOKENS; i++) {
                GraphStreams.emitToken("tok");
            }
            return null;
        }).setEntryPoint("talk").setFinishPoint("talk").compile();

        long sink = 0;
        for (int i = 0; i < 5; i++) { // warm-up
            sink += invoke(chain) + stream(chain) + direct(node) + directHandOff(node) + bridge(talker) + bare();
        }
        double[][] r = new double[6][rounds];
        for (int i = 0; i < rounds; i++) {
            long t0 = System.nanoTime();
            sink += invoke(chain);
            long t1 = System.nanoTime();
            sink += stream(chain);
            long t2 = System.nanoTime();
            sink += direct(node);
            long t3 = System.nanoTime();
            sink += directHandOff(node);
            long t4 = System.nanoTime();
            sink += bridge(talker);
            long t5 = System.nanoTime();
            sink += bare();
            long t6 = System.nanoTime();
            r[0][i] = (t1 - t0) / (double) HOPS;
            r[1][i] = (t2 - t1) / (double) HOPS;
            r[2][i] = (t3 - t2) / (double) HOPS;
            r[3][i] = (t4 - t3) / (double) HOPS;
            r[4][i] = (t5 - t4) / (double) TOKENS;
            r[5][i] = (t6 - t5) / (double) TOKENS;
        }
        double invoke = median(r[0]);
        double stream = median(r[1]);
        double direct = median(r[2]);
        double handOff = median(r[3]);
        double bridge = median(r[4]);
        double bare = median(r[5]);
        System.out.printf("%d hops, %d tokens, capacity %d, %d rounds, %s, %d cores, reader on a virtual thread%n", HOPS, TOKENS, CAPACITY,
                rounds, Runtime.version(), Runtime.getRuntime().availableProcessors());
        System.out.printf("node hop, invoke                 %9.1f ns%n", invoke);
        System.out.printf("node hop, stream                 %9.1f ns%n", stream);
        System.out.printf("direct Node.apply call           %9.1f ns%n", direct);
        System.out.printf("direct call + one queue hand-off %9.1f ns%n", handOff);
        System.out.printf("token through GraphStreams       %9.1f ns%n", bridge);
        System.out.printf("token, bare ArrayBlockingQueue   %9.1f ns%n", bare);
        System.out.printf("ratio invoke hop / direct call   %9.1f%n", invoke / direct);
        System.out.printf("ratio stream hop / call+hand-off %9.1f%n", stream / handOff);
        System.out.printf("ratio bridge token / bare queue  %9.1f%n", bridge / bare);
        System.out.println("(checksum " + sink + ")");
    }

    static CompiledGraph chain(Node node) {
        StateGraph g = new StateGraph().stepLimit(HOPS + 1);
        for (int i = 0; i < HOPS; i++) {
            g.addNode("n" + i, node);
            if (i > 0) {
                g.addEdge("n" + (i - 1), "n" + i);
            }
        }
        return g.setEntryPoint("n0").setFinishPoint("n" + (HOPS - 1)).compile();
    }

    static long invoke(CompiledGraph chain) {
        return (Integer) chain.invoke(Map.of()).get("n");
    }

    static long stream(CompiledGraph chain) {
        long n = 0;
        try (Stream<NodeUpdate> updates = chain.stream(Map.of())) {
            Iterator<NodeUpdate> it = updates.iterator();
            while (it.hasNext()) {
                n += it.next().update().size();
            }
        }
        return n;
    }

    static long direct(Node node) throws Exception {
        Map<String, Object> state = Map.of();
        for (int i = 0; i < HOPS; i++) {
            state = node.apply(state);
        }
        return (Integer) state.get("n");
    }

    /** Each result is handed to a consumer virtual thread through a bounded queue, as a stream's reader gets it. */
    static long directHandOff(Node node) throws Exception {
        ArrayBlockingQueue<Map<String, Object>> q = new ArrayBlockingQueue<>(CAPACITY);
        long[] total = {0};
        Thread consumer = Thread.ofVirtual().start(() -> {
            try {
                for (int i = 0; i < HOPS; i++) {
                    total[0] += q.take().size();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        Map<String, Object> state = Map.of();
        for (int i = 0; i < HOPS; i++) {
            state = node.apply(state);
            q.put(state);
        }
        consumer.join();
        return total[0];
    }

    static long bridge(CompiledGraph talker) {
        long n = 0;
        try (Stream<String> tokens = GraphStreams.streamTokens(talker, Map.of())) {
            Iterator<String> it = tokens.iterator();
            while (it.hasNext()) {
                n += it.next().length();
            }
        }
        return n;
    }

    static long bare() throws InterruptedException {
        ArrayBlockingQueue<String> q = new ArrayBlockingQueue<>(CAPACITY);
        Thread producer = Thread.ofVirtual().start(() -> {
            try {
                for (int i = 0; i < TOKENS; i++) {
                    q.put("tok");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        long n = 0;
        for (int i = 0; i < TOKENS; i++) {
            n += q.take().length();
        }
        producer.join();
        return n;
    }

    static double median(double[] values) {
        double[] v = values.clone();
        Arrays.sort(v);
        return v[v.length / 2];
    }
}
