package io.synapsekit.graph;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.synapsekit.internal.Json;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The JSON form of a {@link Checkpoint}, and the conversion of state values to JSON values: one encoding, so
 * that every checkpointer stores the same thing and a resumed run sees the values an unbroken one saw.
 */
final class CheckpointJson {

    private CheckpointJson() {
    }

    /**
     * Returns {@code map} with every value as a JSON value (maps, lists, strings, numbers, booleans, null), as
     * it will read back from a checkpoint.
     *
     * @param node the node whose update it is, or {@code null} for the input or a state update
     * @throws StateSerializationException naming the first key whose value Jackson cannot write
     */
    static Map<String, @Nullable Object> normalized(Map<String, ?> map, @Nullable String node) {
        Map<String, @Nullable Object> out = new LinkedHashMap<>();
        map.forEach((k, v) -> out.put(k, normalized(k, v, node)));
        return out;
    }

    static @Nullable Object normalized(String key, @Nullable Object value, @Nullable String node) {
        if (value == null || value instanceof String || value instanceof Boolean || value instanceof Integer) {
            return value;
        }
        try {
            // Through the bytes, not a tree: a tree keeps a Long or a Float that reads back as an Integer or a Double.
            return Json.MAPPER.readValue(Json.MAPPER.writeValueAsBytes(value), Object.class);
        } catch (IOException | IllegalArgumentException e) {
            throw new StateSerializationException(key, node, value, e);
        }
    }

    static String write(Checkpoint c) {
        ObjectNode o = Json.object();
        o.put("threadId", c.threadId()).put("id", c.id()).put("parentId", c.parentId())
                .put("version", c.version()).put("step", c.step());
        o.set("state", tree(c.state(), null));
        ArrayNode next = o.putArray("next");
        c.next().forEach(next::add);
        ObjectNode writes = o.putObject("writes");
        c.writes().forEach((node, update) -> writes.set(node, tree(update, node)));
        if (c.pause() != null) {
            ObjectNode p = o.putObject("pause");
            p.put("node", c.pause().node()).put("kind", c.pause().kind().name());
            p.set("payload", value("pause payload", c.pause().payload(), c.pause().node()));
        }
        ObjectNode answers = o.putObject("answers");
        c.answers().forEach((node, values) -> {
            ArrayNode a = answers.putArray(node);
            values.forEach(v -> a.add(value("answer", v, node)));
        });
        o.put("createdAt", c.createdAt().toString());
        return o.toString();
    }

    private static ObjectNode tree(Map<String, @Nullable Object> map, @Nullable String node) {
        ObjectNode o = Json.object();
        map.forEach((k, v) -> o.set(k, value(k, v, node)));
        return o;
    }

    private static JsonNode value(String key, @Nullable Object v, @Nullable String node) {
        try {
            return Json.MAPPER.valueToTree(v);
        } catch (IllegalArgumentException e) {
            throw new StateSerializationException(key, node, v, e);
        }
    }

    static Checkpoint read(String json) {
        JsonNode o;
        try {
            o = Json.MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not a checkpoint: invalid JSON: " + e.getOriginalMessage(), e);
        }
        if (o == null || !o.isObject()) {
            throw new IllegalArgumentException("not a checkpoint: expected a JSON object");
        }
        try {
            Map<String, Map<String, @Nullable Object>> writes = new LinkedHashMap<>();
            o.path("writes").properties().forEach(e -> writes.put(e.getKey(), map(e.getValue())));
            Checkpoint.Pause pause = null;
            JsonNode p = o.get("pause");
            if (p != null && !p.isNull()) {
                pause = new Checkpoint.Pause(text(p, "node"), Checkpoint.PauseKind.valueOf(text(p, "kind")),
                        plain(p.get("payload")));
            }
            Map<String, List<@Nullable Object>> answers = new LinkedHashMap<>();
            o.path("answers").properties().forEach(e -> {
                List<@Nullable Object> values = new ArrayList<>();
                e.getValue().forEach(v -> values.add(plain(v)));
                answers.put(e.getKey(), values);
            });
            List<String> next = new ArrayList<>();
            o.path("next").forEach(n -> next.add(n.asText()));
            JsonNode parent = o.get("parentId");
            return new Checkpoint(text(o, "threadId"), text(o, "id"),
                    parent == null || parent.isNull() ? null : parent.asText(), o.path("version").asLong(),
                    o.path("step").asInt(), map(o.path("state")), next, writes, pause, answers,
                    Instant.parse(text(o, "createdAt")));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("not a checkpoint: " + e.getMessage(), e);
        }
    }

    private static String text(JsonNode o, String field) {
        JsonNode v = o.get(field);
        if (v == null || !v.isTextual()) {
            throw new IllegalArgumentException("field '" + field + "' is missing or not a string");
        }
        return v.asText();
    }

    private static Map<String, @Nullable Object> map(JsonNode o) {
        Map<String, @Nullable Object> out = new LinkedHashMap<>();
        o.properties().forEach(e -> out.put(e.getKey(), plain(e.getValue())));
        return out;
    }

    private static @Nullable Object plain(@Nullable JsonNode v) {
        if (v == null || v.isNull()) {
            return null;
        }
        try {
            return Json.MAPPER.treeToValue(v, Object.class);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e.getOriginalMessage(), e);
        }
    }
}
