package io.synapsekit.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamWriteConstraints;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.jspecify.annotations.Nullable;

/** The one Jackson mapper SynapseKit uses, and small helpers for reading provider JSON. */
public final class Json {

    /**
     * The most nested arrays and objects one document may have. Provider chunks are a handful of levels deep
     * (Gemini's {@code candidates[].content.parts[].functionCall.args} is the deepest, plus whatever the model put
     * in the arguments); a hostile or broken server sending {@code [[[[…} must fail fast with a clear error, not
     * walk the parser and {@code JsonNode.toString()} down thousands of stack frames.
     */
    static final int MAX_NESTING_DEPTH = 200;
    /**
     * The most characters of one JSON string. Lines and events are already bounded by
     * {@link ClientSettings#maxEventBytes()} before they reach the parser; this is the backstop for callers that
     * raised that bound, and for tool schemas and request bodies, set well above any real answer chunk.
     */
    static final int MAX_STRING_LENGTH = 64 * 1024 * 1024;
    /**
     * The most digits of one JSON number. Providers send token counts and indices; a 100-digit number is already
     * absurd, and big-number parsing is superlinear in the digits, so longer ones are refused.
     */
    static final int MAX_NUMBER_LENGTH = 100;

    /**
     * Parser and generator buffers are pooled across threads: Jackson's default pool is per thread, and a virtual
     * thread per request never reuses anything, so each request paid about 16 KiB of fresh buffers (measured: a fifth
     * of all allocation under 10,000 concurrent streams). Bounded, so a burst does not keep its buffers forever.
     */
    private static final int RECYCLED_BUFFERS = Math.max(16, 4 * Runtime.getRuntime().availableProcessors());

    /** Thread-safe once configured, so shared. */
    public static final ObjectMapper MAPPER = new ObjectMapper(JsonFactory.builder()
            .recyclerPool(JsonRecyclerPools.newBoundedPool(RECYCLED_BUFFERS))
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNestingDepth(MAX_NESTING_DEPTH)
                    .maxStringLength(MAX_STRING_LENGTH)
                    .maxNumberLength(MAX_NUMBER_LENGTH)
                    .build())
            .streamWriteConstraints(StreamWriteConstraints.builder().maxNestingDepth(MAX_NESTING_DEPTH).build())
            .build())
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

    /** Returns the text of field {@code name} when it is a JSON string, else {@code null}. */
    public static @Nullable String text(@Nullable JsonNode node, String name) {
        JsonNode v = node == null ? null : node.get(name);
        return v != null && v.isTextual() ? v.asText() : null;
    }

    /**
     * Returns field {@code name} as an Integer when it is a number that fits one, else {@code null}: a count
     * beyond {@code int} is not reported rather than silently wrapped to a wrong value.
     */
    public static @Nullable Integer integer(@Nullable JsonNode node, String name) {
        JsonNode v = node == null ? null : node.get(name);
        return v != null && v.isNumber() && v.canConvertToInt() ? v.asInt() : null;
    }
}
