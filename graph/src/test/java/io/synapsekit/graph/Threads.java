package io.synapsekit.graph;

import io.synapsekit.stream.BridgeThreads;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** The threads our graph code started (run threads and branch threads), and polling with a deadline. */
final class Threads {

    private Threads() {
    }

    static Set<Thread> ours() {
        Set<Thread> all = new HashSet<>(BridgeThreads.live());
        all.addAll(GraphThreads.LIVE);
        all.removeIf(t -> !t.isAlive());
        return all;
    }

    static void awaitNoneOfOurs() throws InterruptedException {
        eventually(() -> ours().isEmpty(), () -> "threads still alive: " + ours());
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
