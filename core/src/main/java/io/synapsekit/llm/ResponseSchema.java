package io.synapsekit.llm;

import java.util.Objects;

/**
 * The JSON Schema an answer must follow, sent as each provider's structured-output setting: OpenAI's
 * {@code response_format} of type {@code json_schema}, Anthropic's forced tool use (a tool of this name whose input
 * is the answer), Gemini's {@code responseSchema} with {@code responseMimeType: application/json}, Ollama's
 * {@code format}. {@link LLM#generate(String, Class)} and {@link LLM#streamObjects(String, Class)} set it from a
 * record type.
 *
 * @param name the schema's name, letters, digits, {@code _} and {@code -} only, at most 64 characters
 * @param jsonSchema the schema, a JSON object as text
 */
public record ResponseSchema(String name, String jsonSchema) {

    public ResponseSchema {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(jsonSchema, "jsonSchema");
        if (!name.matches("[A-Za-z0-9_-]{1,64}")) {
            throw new IllegalArgumentException("schema name must be 1 to 64 letters, digits, _ or -: " + name);
        }
        if (!jsonSchema.strip().startsWith("{")) {
            throw new IllegalArgumentException("the schema of " + name + " must be a JSON object");
        }
    }
}
