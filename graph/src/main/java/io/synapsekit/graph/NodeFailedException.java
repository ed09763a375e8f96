package io.synapsekit.graph;

import java.util.Map;

/**
 * Thrown when a node (or the router after it) throws; the cause is the node's exception and {@link #state()}
 * holds the state merged before the failing wave's updates.
 */
public final class NodeFailedException extends GraphException {

    NodeFailedException(String message, String node, Map<String, Object> state, Throwable cause) {
        super(message, node, state, cause);
    }
}
