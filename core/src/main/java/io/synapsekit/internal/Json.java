package io.synapsekit.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** The one Jackson mapper SynapseKit uses, and small helpers for reading provider JSON. */
public final class Json {

    /** Thread-safe once configured, so shared. */
    public static final ObjectMapper MAPPER = new ObjectMapper()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private Json() {
    }

    /** Returns a new empty object node. */
    public static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    /** Parses {@code text}; throws {@link JsonProcessingException} on malformed input. */
    public static JsonNode parse(String text) throws JsonProcessingException {
        return MAPPER.readTree(text);
    }

    /** Returns the bytes of {@code node} as compact UTF-8 JSON. */
    public static byte[] bytes(JsonNode node) {
        try {
            return MAPPER.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise request body", e);
        }
    }

    /** Returns the JSON Schema of {@code tool}'s parameters, parsed; a clear error names the tool when invalid. */
    public static JsonNode schema(io.synapsekit.llm.ToolSpec tool) {
        try {
            return parse(tool.parametersJsonSchema());
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(
                    "tool " + tool.name() + ": parameters are not valid JSON: " + e.getOriginalMessage(), e);
        }
    }

    /**
     * Returns {@code tools} in the Chat Completions shape that OpenAI, its compatibles and Ollama share:
     * {@code [{"type":"function","function":{"name","description","parameters"}}]}.
     */
    public static com.fasterxml.jackson.databind.node.ArrayNode functionTools(
            java.util.List<io.synapsekit.llm.ToolSpec> tools) {
        com.fasterxml.jackson.databind.node.ArrayNode array = MAPPER.createArrayNode();
        for (io.synapsekit.llm.ToolSpec t : tools) {
            ObjectNode fn = array.addObject().put("type", "function").putObject("function");
            fn.put("name", t.name());
            if (!t.description().isEmpty()) {
                fn.put("description", t.description());
            }
            fn.set("parameters", schema(t));
        }
        return array;
    }

    /** Returns the text of field {@code name} when it is a JSON string, else {@code null}. */
    public static String text(JsonNode node, String name) {
        JsonNode v = node == null ? null : node.get(name);
        return v != null && v.isTextual() ? v.asText() : null;
    }

    /** Returns field {@code name} as an Integer when it is a number, else {@code null}. */
    public static Integer integer(JsonNode node, String name) {
        JsonNode v = node == null ? null : node.get(name);
        return v != null && v.isNumber() ? v.asInt() : null;
    }
}
