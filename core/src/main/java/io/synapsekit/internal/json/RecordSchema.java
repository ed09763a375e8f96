package io.synapsekit.internal.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.lang.annotation.Annotation;
import java.lang.reflect.AnnotatedType;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.lang.reflect.WildcardType;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Deque;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The JSON Schema of a record, derived from its components, and the check of a JSON value against it: what tools
 * and structured output send to the model and what they require of its answer.
 *
 * <p>A component is required unless it is annotated {@code @Nullable} (any annotation of that simple name, JSpecify's
 * included); strings, booleans, numbers, enums (by constant name), lists, sets and arrays, maps with string keys, and
 * nested records are supported. Each object schema lists its properties in component order (the order a model
 * writes them in, which partial objects rely on) and forbids others. Immutable and thread-safe.
 */
public final class RecordSchema {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    /**
     * Parses and binds model output. Its own mapper rather than {@code internal.Json}'s, so that this package,
     * which the {@code llm} package uses, depends on nothing of ours; the same bounds on what a model can send.
     */
    private static final ObjectMapper MAPPER = new ObjectMapper(JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNestingDepth(IncrementalJsonReader.MAX_NESTING_DEPTH)
                    .maxNumberLength(IncrementalJsonReader.MAX_NUMBER_LENGTH)
                    .build())
            .build())
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private final Class<? extends Record> type;
    private final ObjectNode schema;

    private RecordSchema(Class<? extends Record> type, ObjectNode schema) {
        this.type = type;
        this.schema = schema;
    }

    /**
     * Returns the schema of {@code type}.
     *
     * @throws IllegalArgumentException naming the component whose type has no JSON Schema here, or a record that
     *     contains itself
     */
    public static RecordSchema of(Class<?> type) {
        Objects.requireNonNull(type, "type");
        if (!type.isRecord()) {
            throw new IllegalArgumentException(type.getName() + " is not a record; a JSON Schema is derived from a "
                    + "record's components");
        }
        @SuppressWarnings("unchecked")
        Class<? extends Record> record = (Class<? extends Record>) type;
        return new RecordSchema(record, recordSchema(record, new ArrayDeque<>()));
    }

    /** Parses JSON text into a tree. */
    public static JsonNode parse(String text) throws JsonProcessingException {
        return MAPPER.readTree(text);
    }

    /**
     * Binds {@code tree} to the record, leaving missing components {@code null} (zero for primitives) and ignoring
     * unknown properties: check {@link #violation} first where those matter.
     *
     * @throws JsonProcessingException when a value has the wrong type, naming it
     * @throws IllegalArgumentException when the record's constructor rejects the values
     */
    public <T> T bind(JsonNode tree, Class<T> as) throws JsonProcessingException {
        return MAPPER.treeToValue(tree, as);
    }

    /** Returns {@code value} as JSON text. */
    public static String write(@Nullable Object value) throws JsonProcessingException {
        return MAPPER.writeValueAsString(value);
    }

    /** Returns the record type. */
    public Class<? extends Record> type() {
        return type;
    }

    /** Returns a copy of the schema as a JSON object. */
    public ObjectNode json() {
        return schema.deepCopy();
    }

    /** Returns the schema as JSON text. */
    public String text() {
        return schema.toString();
    }

    /**
     * Returns what is wrong with {@code value} for this schema (a required property missing or {@code null}, a
     * property the record lacks), naming the path, or {@code null} when nothing is; type mismatches are left to the
     * binding, which names them.
     */
    public @Nullable String violation(JsonNode value) {
        return violation(schema, value, "$");
    }

    private static @Nullable String violation(JsonNode schema, JsonNode value, String path) {
        if (value.isNull()) {
            return null;
        }
        JsonNode properties = schema.get("properties");
        if (properties != null && value.isObject()) {
            for (JsonNode required : schema.path("required")) {
                JsonNode v = value.get(required.asText());
                if (v == null || v.isNull()) {
                    return "missing required property " + path + "." + required.asText();
                }
            }
            for (var it = value.fieldNames(); it.hasNext(); ) {
                String name = it.next();
                JsonNode sub = properties.get(name);
                if (sub == null) {
                    return "unknown property " + path + "." + name + "; expected only " + names(properties);
                }
                String inner = violation(sub, value.get(name), path + "." + name);
                if (inner != null) {
                    return inner;
                }
            }
        }
        JsonNode items = schema.get("items");
        if (items != null && value.isArray()) {
            for (int i = 0; i < value.size(); i++) {
                String inner = violation(items, value.get(i), path + "[" + i + "]");
                if (inner != null) {
                    return inner;
                }
            }
        }
        return null;
    }

    private static String names(JsonNode properties) {
        StringBuilder s = new StringBuilder("[");
        properties.fieldNames().forEachRemaining(n -> s.append(s.length() > 1 ? ", " : "").append(n));
        return s.append(']').toString();
    }

    private static ObjectNode recordSchema(Class<? extends Record> record, Deque<Class<?>> enclosing) {
        if (enclosing.contains(record)) {
            throw new IllegalArgumentException("record " + record.getName() + " contains itself; a recursive type has "
                    + "no finite JSON Schema here");
        }
        enclosing.push(record);
        ObjectNode schema = NODES.objectNode().put("type", "object");
        ObjectNode properties = schema.putObject("properties");
        ArrayNode required = schema.putArray("required");
        for (RecordComponent c : record.getRecordComponents()) {
            try {
                properties.set(c.getName(), typeSchema(c.getGenericType(), enclosing));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(record.getSimpleName() + "." + c.getName() + ": " + e.getMessage(),
                        e);
            }
            if (c.getType().isPrimitive() || !nullable(c)) {
                required.add(c.getName());
            }
        }
        schema.put("additionalProperties", false);
        enclosing.pop();
        return schema;
    }

    private static boolean nullable(RecordComponent c) {
        AnnotatedType annotated = c.getAnnotatedType();
        return hasNullable(annotated.getAnnotations()) || hasNullable(c.getAnnotations());
    }

    private static boolean hasNullable(Annotation[] annotations) {
        for (Annotation a : annotations) {
            if (a.annotationType().getSimpleName().equals("Nullable")) {
                return true;
            }
        }
        return false;
    }

    @SuppressWarnings("unchecked")
    private static ObjectNode typeSchema(Type type, Deque<Class<?>> enclosing) {
        if (type instanceof Class<?> c) {
            if (c == String.class || c == char.class || c == Character.class || c == CharSequence.class) {
                return NODES.objectNode().put("type", "string");
            }
            if (c == boolean.class || c == Boolean.class) {
                return NODES.objectNode().put("type", "boolean");
            }
            if (c == int.class || c == long.class || c == short.class || c == byte.class || c == Integer.class
                    || c == Long.class || c == Short.class || c == Byte.class || c == BigInteger.class) {
                return NODES.objectNode().put("type", "integer");
            }
            if (c == double.class || c == float.class || c == Double.class || c == Float.class
                    || c == BigDecimal.class) {
                return NODES.objectNode().put("type", "number");
            }
            if (c.isEnum()) {
                ObjectNode s = NODES.objectNode().put("type", "string");
                ArrayNode values = s.putArray("enum");
                for (Object constant : c.getEnumConstants()) {
                    values.add(((Enum<?>) constant).name());
                }
                return s;
            }
            if (c.isArray()) {
                ObjectNode s = NODES.objectNode().put("type", "array");
                s.set("items", typeSchema(c.getComponentType(), enclosing));
                return s;
            }
            if (c.isRecord()) {
                return recordSchema((Class<? extends Record>) c, enclosing);
            }
            throw new IllegalArgumentException("type " + c.getName() + " has no JSON Schema here; use a string, "
                    + "boolean, number, enum, list, array, map with string keys or record");
        }
        if (type instanceof ParameterizedType p && p.getRawType() instanceof Class<?> raw) {
            Type[] args = p.getActualTypeArguments();
            if (Collection.class.isAssignableFrom(raw)) {
                ObjectNode s = NODES.objectNode().put("type", "array");
                s.set("items", typeSchema(bound(args[0]), enclosing));
                return s;
            }
            if (Map.class.isAssignableFrom(raw) && bound(args[0]) == String.class) {
                ObjectNode s = NODES.objectNode().put("type", "object");
                s.set("additionalProperties", typeSchema(bound(args[1]), enclosing));
                return s;
            }
        }
        if (type instanceof GenericArrayType g) {
            ObjectNode s = NODES.objectNode().put("type", "array");
            s.set("items", typeSchema(g.getGenericComponentType(), enclosing));
            return s;
        }
        throw new IllegalArgumentException("type " + type.getTypeName() + " has no JSON Schema here; use a string, "
                + "boolean, number, enum, list, array, map with string keys or record");
    }

    private static Type bound(Type t) {
        return t instanceof WildcardType w && w.getUpperBounds().length == 1 ? w.getUpperBounds()[0] : t;
    }
}
