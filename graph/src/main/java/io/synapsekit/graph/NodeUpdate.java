package io.synapsekit.graph;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What one node execution did: the node's name, the partial update it returned, and the state after merging it.
 *
 * <p>In a fan-out wave, {@code state} is the wave's starting state with the updates of that wave merged in the
 * order the nodes finished, up to and including this one; the state the next wave sees merges them in the order
 * the edges were declared, so the final state does not depend on timing. Both maps are unmodifiable and keep the
 * node's insertion order. Immutable and thread-safe.
 *
 * @param node the node's name
 * @param update the update the node returned; empty when it returned {@code null}
 * @param state the state after merging the update
 */
public record NodeUpdate(String node, Map<String, Object> update, Map<String, Object> state) {

    public NodeUpdate {
        Objects.requireNonNull(node, "node");
        update = frozen(update);
        state = frozen(state);
    }

    static Map<String, Object> frozen(Map<String, ?> map) {
        // Copies keep nulls and order, which Map.copyOf would reject or lose.
        return Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(map)));
    }
}
