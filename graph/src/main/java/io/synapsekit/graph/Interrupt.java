package io.synapsekit.graph;

import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Pauses a graph run from inside a node to ask a person (or any outside party) for a value, then carries on with
 * it when the run is {@linkplain CompiledGraph#resume resumed}.
 *
 * <pre>{@code
 * graph.addNode("approve", state -> {
 *     Object verdict = Interrupt.ask(Map.of("draft", state.get("draft")));   // pauses the run here
 *     return Map.of("approved", "yes".equals(verdict));
 * });
 * // the run's events end with GraphEvent.Interrupted; later, maybe in another JVM:
 * compiled.resume(threadId, "yes").forEach(…);
 * }</pre>
 *
 * <p>A resumed node runs again <em>from its start</em>, as in LangGraph: this time {@code ask} returns the value
 * the resume gave instead of pausing. So whatever the node did before calling {@code ask} happens again: put side
 * effects after the call, or in a node of their own. A node may ask several times; the n-th call returns the
 * n-th answer, and a call with no answer yet pauses again.
 *
 * <p>Only runs of a graph {@linkplain CompiledGraph#withCheckpointer with a checkpointer}, started with a thread id,
 * can pause; elsewhere {@code ask} fails the node. Stateless; each node's answers belong to its own run.
 */
public final class Interrupt {

    private static final ThreadLocal<Asking> CURRENT = new ThreadLocal<>();

    private Interrupt() {
    }

    /**
     * Returns the value the run was resumed with, or pauses the run until there is one.
     *
     * @param payload what to show the person asked: a question, a draft; written to the checkpoint as JSON
     * @return the resume's value (possibly {@code null}), as a JSON value
     * @throws IllegalStateException when called outside a node of a thread run with a checkpointer
     * @throws StateSerializationException when {@code payload} cannot be written as JSON
     */
    public static @Nullable Object ask(@Nullable Object payload) {
        Asking a = CURRENT.get();
        if (a == null) {
            throw new IllegalStateException("Interrupt.ask is called from inside a node of a running graph");
        }
        if (!a.durable) {
            throw new IllegalStateException("node '" + a.node + "' called Interrupt.ask, but only a run with a "
                    + "thread id, of a graph withCheckpointer(…), can pause; run it with stream(threadId, input)");
        }
        if (a.asked < a.answers.size()) {
            return a.answers.get(a.asked++);
        }
        a.payload = CheckpointJson.normalized("interrupt payload", payload, a.node);
        a.paused = true;
        throw new Paused(a);
    }

    /** Makes {@code ask} on this thread answer from {@code answers}, for one node execution. */
    static Asking install(String node, boolean durable, List<@Nullable Object> answers) {
        Asking a = new Asking(node, durable, answers);
        CURRENT.set(a);
        return a;
    }

    static void clear() {
        CURRENT.remove();
    }

    /** One node execution's answers, and whether it paused asking for another. Used by one thread. */
    static final class Asking {
        final String node;
        final boolean durable;
        final List<@Nullable Object> answers;
        int asked;
        boolean paused;
        @Nullable Object payload;

        Asking(String node, boolean durable, List<@Nullable Object> answers) {
            this.node = Objects.requireNonNull(node);
            this.durable = durable;
            this.answers = answers;
        }
    }

    /**
     * Unwinds a node that asked. The run recognises the pause by its {@link Asking} record, so a node that catches
     * and wraps this still pauses.
     */
    static final class Paused extends RuntimeException {
        final transient Asking asking;

        Paused(Asking asking) {
            super("node '" + asking.node + "' paused to ask; the run stops here", null, false, false);
            this.asking = asking;
        }
    }
}
