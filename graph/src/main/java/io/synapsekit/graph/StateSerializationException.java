package io.synapsekit.graph;

import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Thrown when a state value cannot be written as JSON, at the checkpoint that would have stored it rather than
 * later when it is read back: names the key, the node whose update held it ({@link #node()}), and the value's type.
 */
public final class StateSerializationException extends GraphException {

    private final String key;

    StateSerializationException(String key, @Nullable String node, @Nullable Object value, Throwable cause) {
        super("state key '" + key + "'" + (node == null ? "" : " of node '" + node + "'")
                + " cannot be checkpointed: Jackson cannot write its value as JSON ("
                + (value == null ? "null" : value.getClass().getName()) + "): " + cause.getMessage()
                + "; keep checkpointed state to JSON-friendly values (maps, lists, strings, numbers, records)",
                node, Map.of(), cause);
        this.key = key;
    }

    /** Returns the state key whose value could not be written. */
    public String key() {
        return key;
    }
}
