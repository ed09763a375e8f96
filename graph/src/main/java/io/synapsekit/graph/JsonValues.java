package io.synapsekit.graph;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.synapsekit.internal.Json;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** Turns state values into JSON for SSE node events; a value Jackson cannot map is sent as its string form. */
final class JsonValues {

    private JsonValues() {
    }

    static JsonNode tree(Map<String, @Nullable Object> map) {
        ObjectNode out = Json.object();
        map.forEach((k, v) -> {
            JsonNode value;
            try {
                value = Json.MAPPER.valueToTree(v);
            } catch (IllegalArgumentException e) {
                value = Json.MAPPER.getNodeFactory().textNode(String.valueOf(v));
            }
            out.set(k, value);
        });
        return out;
    }
}
