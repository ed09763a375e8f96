package io.synapsekit.graph;

import java.util.List;
import java.util.Map;

/** Thrown by {@link StateGraph#compile()} for a graph that cannot run; the message lists every problem found. */
public final class InvalidGraphException extends GraphException {

    private final List<String> problems;

    InvalidGraphException(List<String> problems) {
        super("invalid graph: " + String.join("; ", problems), null, Map.of(), null);
        this.problems = List.copyOf(problems);
    }

    /** Returns each problem found, in the order checked. */
    public List<String> problems() {
        return problems;
    }
}
