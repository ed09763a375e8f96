package io.synapsekit.graph;

import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/** Thrown when a router returns a key that maps to no node; the message names the node and the key. */
public final class UnknownRouteException extends GraphException {

    private final @Nullable String route;

    UnknownRouteException(String node, @Nullable String route, Iterable<String> known,
            Map<String, @Nullable Object> state) {
        super("node '" + node + "' routed to unknown key " + (route == null ? "null" : "'" + route + "'")
                + "; known: " + known, node, state, null);
        this.route = route;
    }

    /** Returns the key the router returned; empty when it returned {@code null}. */
    public Optional<String> route() {
        return Optional.ofNullable(route);
    }
}
