package io.synapsekit.graph;

import io.synapsekit.llm.LLMException;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The unchecked base of every graph failure: an invalid graph at {@code compile()}, a node that threw, a route
 * to nowhere, a run past its step limit, or a cancelled run.
 *
 * <p>{@link #state()} keeps the state the run had reached (empty for a compile error), and {@link #partialText()}
 * the answer text an LLM node had streamed before it failed, so work done before the failure is not lost.
 * Immutable once thrown.
 */
public class GraphException extends RuntimeException {

    private final @Nullable String node;
    private final Map<String, @Nullable Object> state;
    private final String partialText;

    /**
     * Creates a failure.
     *
     * @param node the node to blame, or {@code null}
     * @param state the state reached so far
     */
    GraphException(String message, @Nullable String node, Map<String, ?> state, @Nullable Throwable cause) {
        super(message, cause);
        this.node = node;
        this.state = NodeUpdate.frozen(state);
        this.partialText = partialText(cause);
    }

    /** Returns the partial text of the first {@link LLMException} among the causes, or {@code ""}. */
    private static String partialText(@Nullable Throwable cause) {
        // A node may wrap the LLM's error in its own; a bound on the depth guards against a cycle of causes.
        Throwable t = cause;
        for (int depth = 0; t != null && depth < 32; depth++, t = t.getCause()) {
            if (t instanceof LLMException e) {
                return e.partialText();
            }
        }
        return "";
    }

    /** Returns the node that failed, routed nowhere or was running when the run stopped, when there is one. */
    public Optional<String> node() {
        return Optional.ofNullable(node);
    }

    /** Returns the state the run had reached when it failed: unmodifiable, in insertion order. */
    public Map<String, @Nullable Object> state() {
        return state;
    }

    /**
     * Returns the answer text the failing LLM node had streamed before it failed or the run was cancelled: the
     * {@link LLMException#partialText() partial text} of the LLM error that caused this failure, however deeply a
     * node wrapped it. Never {@code null}; {@code ""} when the failure did not come from an LLM or nothing had
     * arrived.
     */
    public String partialText() {
        return partialText;
    }
}
