package io.synapsekit.graph;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * The crash tests' graph, shared by every checkpointer's crash test (PostgreSQL, Redis) and, within one, by the
 * killed JVM, the resuming JVM and the test that checks them: six nodes, {@code a -> (b, c, d) -> e -> f}, each
 * computing its update from the state and, through {@link Effects}, doing one side effect; and the seeded plan of
 * where each run is killed.
 */
public final class CrashGraph {

    /** The nodes, in run order. */
    public static final List<String> NODES = List.of("a", "b", "c", "d", "e", "f");

    /** What a node does besides computing its update. */
    public interface Effects {
        /** Called first in {@code node}; may pause (to spread runs out) or freeze (to be killed there). */
        void before(String thread, String node) throws Exception;

        /** The side effect, once per execution of {@code node}. */
        void effect(String thread, String node) throws Exception;

        /** Called after the side effect, before the node returns; may freeze. */
        void after(String thread, String node) throws Exception;
    }

    /** Effects that do nothing: for the unbroken run the crash runs are compared with. */
    public static final Effects NONE = new Effects() {
        @Override
        public void before(String thread, String node) {
        }

        @Override
        public void effect(String thread, String node) {
        }

        @Override
        public void after(String thread, String node) {
        }
    };

    private CrashGraph() {
    }

    public static CompiledGraph build(Effects fx) {
        return new StateGraph()
                .addNode("a", node("a", fx, s -> Map.of("a", Math.floorMod(num(s, "seed") * 31, 997), "log", "a")))
                .addNode("b", node("b", fx, s -> Map.of("b", num(s, "a") + 1, "log", "b")))
                .addNode("c", node("c", fx, s -> Map.of("c", "c-" + num(s, "a"), "log", "c")))
                .addNode("d", node("d", fx, s -> Map.of("d", List.of(num(s, "a"), num(s, "a") * 2), "log", "d")))
                .addNode("e", node("e", fx, s -> Map.of("e", num(s, "b") + ((String) s.get("c")).length()
                        + ((List<?>) s.get("d")).stream().mapToInt(v -> ((Number) v).intValue()).sum(), "log", "e")))
                .addNode("f", node("f", fx, s -> Map.of("f", "done:" + num(s, "e"), "log", "f")))
                .addEdge("a", "b").addEdge("a", "c").addEdge("a", "d")
                .addEdge("b", "e").addEdge("c", "e").addEdge("d", "e")
                .addEdge("e", "f")
                .reducer("log", StateGraph.appendToList())
                .setEntryPoint("a").compile();
    }

    public static Map<String, Object> input(String thread, long seed) {
        return Map.of("thread", thread, "seed", seed % 100_000);
    }

    public static String thread(int batch, int run) {
        return "crash-" + batch + "-" + run;
    }

    private static Node node(String name, Effects fx,
            Function<Map<String, @Nullable Object>, Map<String, @Nullable Object>> compute) {
        return state -> {
            String thread = (String) state.get("thread");
            fx.before(thread, name);
            fx.effect(thread, name);
            fx.after(thread, name);
            return compute.apply(state);
        };
    }

    private static int num(Map<String, @Nullable Object> s, String key) {
        return ((Number) s.get(key)).intValue();
    }

    /**
     * Where one run is killed. A frozen batch's runs each stop at a node, before or after its side effect, and the
     * JVM is killed once all have stopped or ended; a timed batch's runs go freely, each started after
     * {@code startDelayMillis} with nodes that take {@code paceMillis}, and the JVM is killed at a random moment.
     */
    public record Plan(String node, boolean afterEffect, int startDelayMillis, int paceMillis) {
        public static Plan of(long seed, int batch, int run) {
            Random r = new Random(seed * 1_000_003L + batch * 10_007L + run);
            return new Plan(NODES.get(r.nextInt(NODES.size())), r.nextBoolean(), r.nextInt(80), 1 + r.nextInt(6));
        }
    }

    /**
     * A child JVM's part of a crash test: runs batch {@code batch} of {@code runs} runs of {@code graph} at once
     * (after one unkilled warm-up run), telling the parent on stdout {@code STARTED}, {@code DONE <thread>} or
     * {@code FAILED <thread> <error>} per run, and {@code ALL DONE}; then waits to be killed.
     */
    public static void runUntilKilled(CompiledGraph graph, Checkpointer checkpointer, int batch, int runs, long seed,
            boolean timed) throws InterruptedException {
        // One unkilled run first (no side effects), so that the parent's random kill delay is spent running the
        // batch, not loading classes: otherwise most timed kills land before the first checkpoint.
        String warmUp = "crash-warm-up-" + UUID.randomUUID();
        build(NONE).withCheckpointer(checkpointer).invoke(warmUp, input(warmUp, seed));
        checkpointer.delete(warmUp);
        say("STARTED");
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            int run = i;
            threads.add(Thread.ofVirtual().start(() -> {
                String thread = thread(batch, run);
                try {
                    if (timed) {
                        TimeUnit.MILLISECONDS.sleep(Plan.of(seed, batch, run).startDelayMillis());
                    }
                    graph.invoke(thread, input(thread, seed + run));
                    say("DONE " + thread);
                } catch (Throwable e) {
                    say("FAILED " + thread + " " + e);
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        say("ALL DONE");
        LockSupport.park();   // wait for the kill like the rest
    }

    private static void say(String line) {
        System.out.println(line);
        System.out.flush();
    }
}
