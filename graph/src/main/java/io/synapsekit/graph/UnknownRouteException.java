package io.synapsekit.graph;

import java.util.Map;
import java.util.Optional;

/** Thrown when a router returns a key that maps to no node; the message names the node and the key. */
public final class UnknownRouteException extends GraphException {

    private final String route;

    UnknownRouteException(String node, String route, Iterable<String> known, Map<String, Object> state) {
        super("node '" + node + "' routed to unknown key " + (route == null ? "null" : "'" + route + "'")
                + "; known: " + known, node, state, null);
        this.route = route;
    }

    /** Returns the key the router returned; empty when it returned {@code null}. */
    public Optional<String> route() {
        return Optional.ofNullable(route);
    }
}
