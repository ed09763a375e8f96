package io.synapsekit.graph;

import io.synapsekit.testing.LiveThreads;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** The threads our graph code started (run threads and branch threads), and polling with a deadline. */
final class Threads {

    /** The prefix of every thread a graph run starts: {@code synapsekit-graph-run-N}, {@code synapsekit-graph-node-…}. */
    static final String GRAPH = "synapsekit-graph-";

    private Threads() {
    }

    /** Returns the names of the graph threads alive now, virtual ones included. */
    static List<String> ours() {
        return LiveThreads.named(GRAPH);
    }

    static void awaitNoneOfOurs() throws InterruptedException {
        LiveThreads.awaitNone(GRAPH);
    }

    static void eventually(BooleanSupplier condition, Supplier<String> why) throws InterruptedException {
        Duration within = Duration.ofSeconds(10);
        long deadline = System.nanoTime() + within.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + within + ": " + why.get());
            }
            TimeUnit.MILLISECONDS.sleep(5); // polling interval of a deadline poll, not synchronisation
        }
    }

    /** Returns a map of alternating keys and values that keeps their order, as Python dicts do. */
    static java.util.Map<String, Object> ordered(Object... kv) {
        java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }
}
