package io.synapsekit.llm;

import java.util.Objects;

/**
 * A function the model may call, sent with a request.
 *
 * @param name the function name
 * @param description what it does, for the model
 * @param parametersJsonSchema a JSON Schema object describing the arguments, as JSON text
 */
public record ToolSpec(String name, String description, String parametersJsonSchema) {

    public ToolSpec {
        Objects.requireNonNull(name, "name");
        if (name.isBlank()) {
            throw new IllegalArgumentException("tool name must not be blank");
        }
        description = description == null ? "" : description;
        parametersJsonSchema = parametersJsonSchema == null || parametersJsonSchema.isBlank()
                ? "{\"type\":\"object\",\"properties\":{}}"
                : parametersJsonSchema;
    }
}
