package io.synapsekit.server.agui;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ContainerNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** JsonPatch: each diff, applied by an independent RFC 6902 applier, turns the old document into the new one. */
class JsonPatchTest {

    record Case(String name, String from, String to, String expectedOps) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case("equal documents give no operation", "{\"a\":1}", "{\"a\":1}", "[]"),
                new Case("a new key is added", "{}", "{\"a\":\"x\"}",
                        "[{\"op\":\"add\",\"path\":\"/a\",\"value\":\"x\"}]"),
                new Case("a gone key is removed", "{\"a\":1,\"b\":2}", "{\"b\":2}",
                        "[{\"op\":\"remove\",\"path\":\"/a\"}]"),
                new Case("a changed value is replaced", "{\"a\":1}", "{\"a\":\"one\"}",
                        "[{\"op\":\"replace\",\"path\":\"/a\",\"value\":\"one\"}]"),
                new Case("nested objects are diffed member by member", "{\"o\":{\"x\":1,\"y\":2}}",
                        "{\"o\":{\"x\":1,\"y\":3}}", "[{\"op\":\"replace\",\"path\":\"/o/y\",\"value\":3}]"),
                new Case("tilde and slash are escaped in that order", "{\"a/b\":1,\"c~d\":1,\"~1\":1}",
                        "{\"a/b\":2,\"c~d\":2,\"~1\":2}",
                        "[{\"op\":\"replace\",\"path\":\"/a~1b\",\"value\":2},"
                                + "{\"op\":\"replace\",\"path\":\"/c~0d\",\"value\":2},"
                                + "{\"op\":\"replace\",\"path\":\"/~01\",\"value\":2}]"),
                new Case("an array grown at its end gets one add per element", "{\"l\":[1]}", "{\"l\":[1,2,3]}",
                        "[{\"op\":\"add\",\"path\":\"/l/1\",\"value\":2},{\"op\":\"add\",\"path\":\"/l/2\",\"value\":3}]"),
                new Case("any other array change replaces it", "{\"l\":[1,2]}", "{\"l\":[2]}",
                        "[{\"op\":\"replace\",\"path\":\"/l\",\"value\":[2]}]"),
                new Case("null values are kept", "{\"a\":1}", "{\"a\":null,\"b\":null}",
                        "[{\"op\":\"replace\",\"path\":\"/a\",\"value\":null},"
                                + "{\"op\":\"add\",\"path\":\"/b\",\"value\":null}]"),
                new Case("an empty key is a valid pointer", "{\"\":1}", "{\"\":{\"k\":[]}}",
                        "[{\"op\":\"replace\",\"path\":\"/\",\"value\":{\"k\":[]}}]"),
                new Case("a mix", "{\"keep\":true,\"drop\":[1],\"deep\":{\"l\":[\"a\"],\"s\":\"x\"}}",
                        "{\"keep\":true,\"deep\":{\"l\":[\"a\",\"b\"],\"s\":\"y\",\"n\":{}},\"new\":0}", null));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void diffAppliesAndIsMinimalWhereStated(Case c) throws Exception {
        JsonNode from = AgUiJson.MAPPER.readTree(c.from());
        JsonNode to = AgUiJson.MAPPER.readTree(c.to());

        ArrayNode ops = JsonPatch.diff(from, to, AgUiJson.NODES.arrayNode());

        if (c.expectedOps() != null) {
            assertThat(ops).isEqualTo(AgUiJson.MAPPER.readTree(c.expectedOps()));
        }
        assertThat(apply(from.deepCopy(), ops)).isEqualTo(to);
    }

    /** A plain RFC 6902 applier of add, remove and replace, written from the RFC, independent of the diff. */
    static JsonNode apply(JsonNode doc, ArrayNode ops) {
        JsonNode root = doc;
        for (JsonNode op : ops) {
            String path = op.get("path").asText();
            if (path.isEmpty()) {
                root = op.get("value").deepCopy();
                continue;
            }
            List<String> tokens = Stream.of(path.substring(1).split("/", -1))
                    .map(t -> t.replace("~1", "/").replace("~0", "~")).toList();
            JsonNode parent = root;
            for (String t : tokens.subList(0, tokens.size() - 1)) {
                parent = parent.isArray() ? parent.get(Integer.parseInt(t)) : parent.get(t);
            }
            String last = tokens.get(tokens.size() - 1);
            ContainerNode<?> container = (ContainerNode<?>) parent;
            switch (op.get("op").asText()) {
                case "add" -> {
                    if (container instanceof ArrayNode a) {
                        a.insert(last.equals("-") ? a.size() : Integer.parseInt(last), op.get("value").deepCopy());
                    } else {
                        ((ObjectNode) container).set(last, op.get("value").deepCopy());
                    }
                }
                case "remove" -> {
                    if (container instanceof ArrayNode a) {
                        a.remove(Integer.parseInt(last));
                    } else {
                        assertThat(((ObjectNode) container).has(last)).as("remove %s: target exists", path).isTrue();
                        ((ObjectNode) container).remove(last);
                    }
                }
                case "replace" -> {
                    if (container instanceof ArrayNode a) {
                        a.set(Integer.parseInt(last), op.get("value").deepCopy());
                    } else {
                        assertThat(((ObjectNode) container).has(last)).as("replace %s: target exists", path).isTrue();
                        ((ObjectNode) container).set(last, op.get("value").deepCopy());
                    }
                }
                default -> throw new AssertionError("unexpected op " + op);
            }
        }
        return root;
    }
}
