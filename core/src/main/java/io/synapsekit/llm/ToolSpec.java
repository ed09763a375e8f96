package io.synapsekit.llm;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A function the model may call, sent with a request.
 *
 * @param name the function name
 * @param description what it does, for the model; {@code ""} for none ({@code null} is taken as empty)
 * @param parametersJsonSchema a JSON Schema object describing the arguments, as JSON text; {@code null} or blank
 *     for a function without arguments (an empty object schema)
 */
public record ToolSpec(String name, String description, String parametersJsonSchema) {

    // Explicit rather than compact, so that the parameters may be null while the components never are.
    public ToolSpec(String name, @Nullable String description, @Nullable String parametersJsonSchema) {
        Objects.requireNonNull(name, "name");
        if (name.isBlank()) {
            throw new IllegalArgumentException("tool name must not be blank");
        }
        this.name = name;
        this.description = description == null ? "" : description;
        this.parametersJsonSchema = parametersJsonSchema == null || parametersJsonSchema.isBlank()
                ? "{\"type\":\"object\",\"properties\":{}}"
                : parametersJsonSchema;
    }
}
