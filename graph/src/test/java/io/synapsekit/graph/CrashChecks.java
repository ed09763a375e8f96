package io.synapsekit.graph;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * The checks of a crash test, the same for every checkpointer: after a run of {@link CrashGraph} was killed and
 * resumed, its final state equals an unbroken run's, and every node's side effect happened exactly once, except a
 * node in flight at the kill (twice). Also counts where the kills landed, so a test can require coverage.
 */
public final class CrashChecks {

    private final long seed;
    private final Map<String, Integer> seen = new TreeMap<>();

    /** Checks the runs of a crash test whose kill plans come from {@code seed}. */
    public CrashChecks(long seed) {
        this.seed = seed;
    }

    /**
     * Checks run {@code run} of batch {@code batch}.
     *
     * @param atKill each node's side effects when the JVM was killed
     * @param headAtKill the thread's head checkpoint then
     * @param after each node's side effects after the resume
     * @param head the thread's head checkpoint after the resume
     */
    public void check(int batch, int run, boolean timed, Map<String, Integer> atKill,
            Optional<Checkpoint> headAtKill, Map<String, Integer> after, Checkpoint head) {
        String thread = CrashGraph.thread(batch, run);
        Map<String, @Nullable Object> unbroken = CrashGraph.build(CrashGraph.NONE)
                .withCheckpointer(new MemoryCheckpointer()).invoke(thread, CrashGraph.input(thread, seed + run));
        assertThat(head.state()).as("%s: final state", thread).isEqualTo(unbroken);
        assertThat(head.resumable()).as("%s: finished", thread).isFalse();
        int twice = 0;
        for (String node : CrashGraph.NODES) {
            int k = atKill.getOrDefault(node, 0);
            boolean stored = headAtKill.map(h -> h.state().containsKey(node) || h.writes().containsKey(node))
                    .orElse(false);
            assertThat(k).as("%s: runs of %s before the kill", thread, node).isBetween(0, 1);
            if (stored) {
                assertThat(k).as("%s: %s was checkpointed, so its effect had happened", thread, node).isEqualTo(1);
            }
            boolean inFlight = k == 1 && !stored;
            twice += inFlight ? 1 : 0;
            assertThat(after.getOrDefault(node, 0)).as("%s: side effects of %s (in flight at the kill: %s)",
                    thread, node, inFlight).isEqualTo(inFlight ? 2 : 1);
        }
        if (!timed) {
            CrashGraph.Plan plan = CrashGraph.Plan.of(seed, batch, run);
            assertThat(after.get(plan.node())).as("%s: frozen in %s %s its effect", thread, plan.node(),
                    plan.afterEffect() ? "after" : "before").isEqualTo(plan.afterEffect() ? 2 : 1);
        }
        seen.merge("runs", 1, Integer::sum);
        seen.merge(timed ? "timed kills" : "frozen kills", 1, Integer::sum);
        seen.merge("nodes in flight at the kill, run twice", twice, Integer::sum);
        String where = headAtKill.isEmpty() ? "killed before the first checkpoint"
                : !headAtKill.get().resumable() ? "finished before the kill"
                : !headAtKill.get().writes().isEmpty() ? "killed mid-fan-out with some branches stored"
                : "killed between waves or in a single-node wave";
        seen.merge(where + (timed ? " (timed)" : " (frozen)"), 1, Integer::sum);
    }

    /** Returns how many runs, kills of each kind and nodes run twice were seen, by name. */
    public Map<String, Integer> seen() {
        return Map.copyOf(seen);
    }
}
