package io.synapsekit.graph;

import java.util.Map;
import java.util.Optional;

/**
 * The unchecked base of every graph failure: an invalid graph at {@code compile()}, a node that threw, a route
 * to nowhere, a run past its step limit, or a cancelled run.
 *
 * <p>{@link #state()} keeps the state the run had reached (empty for a compile error), so work done before the
 * failure is not lost. Immutable once thrown.
 */
public class GraphException extends RuntimeException {

    private final String node;
    private final Map<String, Object> state;

    /**
     * Creates a failure.
     *
     * @param node the node to blame, or {@code null}
     * @param state the state reached so far
     */
    GraphException(String message, String node, Map<String, Object> state, Throwable cause) {
        super(message, cause);
        this.node = node;
        this.state = NodeUpdate.frozen(state);
    }

    /** Returns the node that failed, routed nowhere or was running when the run stopped, when there is one. */
    public Optional<String> node() {
        return Optional.ofNullable(node);
    }

    /** Returns the state the run had reached when it failed: unmodifiable, in insertion order. */
    public Map<String, Object> state() {
        return state;
    }
}
