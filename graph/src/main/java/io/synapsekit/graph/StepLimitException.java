package io.synapsekit.graph;

import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** Thrown when a run needs more waves than its step limit, typically a cycle that never exits. */
public final class StepLimitException extends GraphException {

    private final int limit;
    private final List<String> recentPath;

    StepLimitException(int limit, List<String> recentPath, String next, Map<String, @Nullable Object> state) {
        super("step limit of " + limit + " waves reached before running '" + next + "'; recent path: "
                + String.join(" -> ", recentPath) + "; raise it with StateGraph.stepLimit(n) if the loop is meant",
                next, state, null);
        this.limit = limit;
        this.recentPath = List.copyOf(recentPath);
    }

    /** Returns the limit that was reached. */
    public int limit() {
        return limit;
    }

    /** Returns the names of the last nodes run, oldest first. */
    public List<String> recentPath() {
        return recentPath;
    }
}
