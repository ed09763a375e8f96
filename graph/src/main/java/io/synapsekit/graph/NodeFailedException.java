package io.synapsekit.graph;

import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Thrown when a node (or the router after it) throws; the cause is the node's exception and {@link #state()}
 * holds the state merged before the failing wave's updates.
 */
public final class NodeFailedException extends GraphException {

    NodeFailedException(String message, String node, Map<String, @Nullable Object> state, Throwable cause) {
        super(message, node, state, cause);
    }
}
