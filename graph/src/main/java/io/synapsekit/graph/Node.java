package io.synapsekit.graph;

import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * One step of a graph: reads the state and returns a partial update to merge into it.
 *
 * <p>A node may block (call an LLM, read a file, query a database) and may throw checked exceptions; a failure
 * ends the run with a {@link NodeFailedException} naming the node. It runs on a virtual thread that the graph
 * interrupts when the run is cancelled, so blocking calls should be interruptible. Nodes of one fan-out wave run
 * concurrently on their own threads, so a node object used in several places must be thread-safe.
 *
 * <pre>{@code
 * graph.addNode("fetch", state -> Map.of("data", fetch(state.get("input"))));
 * }</pre>
 */
@FunctionalInterface
public interface Node {

    /**
     * Returns the update this node makes to {@code state}.
     *
     * @param state an unmodifiable snapshot of the state when the node's wave started
     * @return the keys to set (merged through the graph's reducers), or {@code null} for no update
     * @throws Exception any failure; it ends the run, keeping the state reached so far
     */
    @Nullable Map<String, @Nullable Object> apply(Map<String, @Nullable Object> state) throws Exception;
}
