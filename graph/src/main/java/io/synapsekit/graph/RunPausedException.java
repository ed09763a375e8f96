package io.synapsekit.graph;

import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Thrown by {@link CompiledGraph#invoke(String, Map)} when the run paused instead of ending: a node
 * {@linkplain Interrupt#ask asked}, or it reached a node named by {@code interruptBefore}/{@code interruptAfter}.
 * Not a failure: the thread's head checkpoint holds the run, and {@link CompiledGraph#resume} continues it.
 */
public final class RunPausedException extends GraphException {

    private final GraphEvent.Interrupted interrupt;

    RunPausedException(GraphEvent.Interrupted interrupt, Map<String, @Nullable Object> state) {
        super("run paused at node '" + interrupt.node() + "' (checkpoint " + interrupt.checkpointId()
                + "); resume it with resume(threadId, value)", interrupt.node(), state, null);
        this.interrupt = interrupt;
    }

    /** Returns where and why the run paused. */
    public GraphEvent.Interrupted interrupt() {
        return interrupt;
    }
}
