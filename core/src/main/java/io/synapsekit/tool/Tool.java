package io.synapsekit.tool;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.synapsekit.internal.Json;
import io.synapsekit.internal.json.RecordSchema;
import io.synapsekit.llm.ToolSpec;
import java.util.Objects;
import java.util.function.Function;

/**
 * A function the model may call, with its arguments described by a record and bound to it when the model calls.
 *
 * <pre>{@code
 * record Weather(String city, @Nullable Unit unit) {}
 * Tool weather = Tool.of("get_weather", "Current weather in a city", Weather.class,
 *         w -> forecasts.now(w.city(), w.unit()));
 * }</pre>
 *
 * <p>The JSON Schema sent to the model is derived from the record's components: strings, booleans, numbers, enums
 * (their constant names), lists, arrays, maps with string keys and nested records; a component is required unless
 * annotated {@code @Nullable}. {@link #call(String)} binds the model's JSON arguments with Jackson and never throws
 * for bad arguments or a failing body: the failure becomes an {@linkplain ToolResult#error() error result} that
 * names what was wrong, for the model to correct. On the module path the record's package must be open to
 * {@code com.fasterxml.jackson.databind}.
 *
 * <p>Immutable and thread-safe, as long as the body is: an agent runs the calls of one step concurrently.
 */
public final class Tool {

    private final ToolSpec spec;
    private final RecordSchema schema;
    private final Function<Object, ?> body;

    private Tool(ToolSpec spec, RecordSchema schema, Function<Object, ?> body) {
        this.spec = spec;
        this.schema = schema;
        this.body = body;
    }

    /**
     * Returns a tool named {@code name} whose arguments are a {@code parameters} record and whose result is what
     * {@code body} returns: a {@code String} as is, anything else as JSON.
     *
     * @throws IllegalArgumentException when the name is blank or a component's type has no JSON Schema (naming it)
     */
    public static <P extends Record> Tool of(String name, String description, Class<P> parameters,
            Function<P, ?> body) {
        Objects.requireNonNull(parameters, "parameters");
        Objects.requireNonNull(body, "body");
        RecordSchema schema = RecordSchema.of(parameters);
        ToolSpec spec = new ToolSpec(name, Objects.requireNonNull(description, "description"), schema.text());
        return new Tool(spec, schema, args -> body.apply(parameters.cast(args)));
    }

    /** Returns the tool's name, as the model calls it. */
    public String name() {
        return spec.name();
    }

    /** Returns the declaration sent to the model: name, description and the parameters' JSON Schema. */
    public ToolSpec spec() {
        return spec;
    }

    /**
     * Calls the tool with the model's JSON {@code arguments} and returns its result. Bad arguments (not JSON, a
     * required property missing, a wrong type, an unknown property) and a body that throws become an error result
     * naming the problem, so that the model can correct its call; nothing is thrown for them.
     *
     * <p>Runs the body on the calling thread. An interrupt is left to the body; when it throws because it was
     * interrupted, the interrupt flag stays set and the error result says so.
     */
    public ToolResult call(String arguments) {
        Object bound;
        try {
            JsonNode tree = Json.parse(arguments.isBlank() ? "{}" : arguments);
            String violation = schema.violation(tree);
            if (violation != null) {
                return ToolResult.error("invalid arguments for " + name() + ": " + violation);
            }
            bound = Json.MAPPER.treeToValue(tree, schema.type());
        } catch (JsonProcessingException | IllegalArgumentException e) {
            return ToolResult.error("invalid arguments for " + name() + ": " + clip(e instanceof JsonProcessingException j
                    ? j.getOriginalMessage() : String.valueOf(e.getMessage())));
        }
        Object result;
        try {
            result = body.apply(bound);
        } catch (RuntimeException e) {
            return ToolResult.error(name() + " failed: " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + clip(e.getMessage())));
        }
        if (result instanceof String s) {
            return ToolResult.success(s);
        }
        try {
            return ToolResult.success(Json.MAPPER.writeValueAsString(result));
        } catch (JsonProcessingException e) {
            return ToolResult.error(name() + " returned a value that is not JSON-serialisable: "
                    + clip(e.getOriginalMessage()));
        }
    }

    private static String clip(String s) {
        return s.length() <= 300 ? s : s.substring(0, 300) + "…";
    }

    @Override
    public String toString() {
        return "Tool[" + name() + "]";
    }
}
