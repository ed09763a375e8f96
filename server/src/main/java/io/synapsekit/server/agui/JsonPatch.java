package io.synapsekit.server.agui;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.Map;

/**
 * The difference between two JSON documents as an RFC 6902 JSON Patch, written with {@code add}, {@code remove}
 * and {@code replace} only, so that any applier replays it.
 *
 * <p>Objects are compared member by member, recursively. An array that only grew at its end is patched with one
 * {@code add} per new element (a graph's {@code appendToList} reducer grows lists that way every node); any other
 * change to an array replaces it whole. Paths are RFC 6901 JSON Pointers: {@code ~} is written {@code ~0} and
 * {@code /} is written {@code ~1}. Stateless and thread-safe.
 */
final class JsonPatch {

    private JsonPatch() {
    }

    /** Returns the operations that turn {@code from} into {@code to}, appended to {@code ops}; none when equal. */
    static ArrayNode diff(JsonNode from, JsonNode to, ArrayNode ops) {
        diff("", from, to, ops);
        return ops;
    }

    private static void diff(String path, JsonNode from, JsonNode to, ArrayNode ops) {
        if (from.equals(to)) {
            return;
        }
        if (from instanceof ObjectNode a && to instanceof ObjectNode b) {
            for (Iterator<String> names = a.fieldNames(); names.hasNext(); ) {
                String name = names.next();
                if (!b.has(name)) {
                    ops.addObject().put("op", "remove").put("path", path + "/" + escape(name));
                }
            }
            for (Iterator<Map.Entry<String, JsonNode>> fields = b.fields(); fields.hasNext(); ) {
                Map.Entry<String, JsonNode> field = fields.next();
                String child = path + "/" + escape(field.getKey());
                JsonNode before = a.get(field.getKey());
                if (before == null) {
                    ops.addObject().put("op", "add").put("path", child).set("value", field.getValue());
                } else {
                    diff(child, before, field.getValue(), ops);
                }
            }
            return;
        }
        if (from instanceof ArrayNode a && to instanceof ArrayNode b && grewAtEnd(a, b)) {
            for (int i = a.size(); i < b.size(); i++) {
                ops.addObject().put("op", "add").put("path", path + "/" + i).set("value", b.get(i));
            }
            return;
        }
        ops.addObject().put("op", "replace").put("path", path).set("value", to);
    }

    private static boolean grewAtEnd(ArrayNode a, ArrayNode b) {
        if (b.size() <= a.size()) {
            return false;
        }
        for (int i = 0; i < a.size(); i++) {
            if (!a.get(i).equals(b.get(i))) {
                return false;
            }
        }
        return true;
    }

    /** Returns {@code name} as one RFC 6901 reference token: {@code ~} as {@code ~0}, then {@code /} as {@code ~1}. */
    static String escape(String name) {
        if (name.indexOf('~') < 0 && name.indexOf('/') < 0) {
            return name;
        }
        return name.replace("~", "~0").replace("/", "~1");
    }
}
