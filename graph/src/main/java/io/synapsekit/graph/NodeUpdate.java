package io.synapsekit.graph;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

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
public record NodeUpdate(String node, Map<String, @Nullable Object> update, Map<String, @Nullable Object> state) {

    // Explicit rather than compact: javac writes the nullness of a compact constructor's type arguments where
    // reflection and tools reading the class file do not find it.
    public NodeUpdate(String node, Map<String, @Nullable Object> update, Map<String, @Nullable Object> state) {
        this.node = Objects.requireNonNull(node, "node");
        this.update = frozen(update);
        this.state = frozen(state);
    }

    static Map<String, @Nullable Object> frozen(Map<String, ?> map) {
        // Copies keep nulls and order, which Map.copyOf would reject or lose.
        return Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(map)));
    }
}
