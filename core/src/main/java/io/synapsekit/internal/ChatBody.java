package io.synapsekit.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.synapsekit.llm.ChatMessage;
import io.synapsekit.llm.GenerateOptions;
import io.synapsekit.llm.LLMEvent;
import io.synapsekit.llm.ResponseSchema;
import io.synapsekit.llm.ToolSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.BiConsumer;
import org.jspecify.annotations.Nullable;

/**
 * What the providers' request bodies have in common, written once: the conversation as role and content messages
 * (Chat Completions' shape, which Ollama's API shares), or split into turns and one system text (Anthropic,
 * Gemini); the sampling settings under each API's own names; tool declarations; and the caller's extra fields.
 */
public final class ChatBody {

    private ChatBody() {
    }

    /**
     * Returns a body holding {@code model}, {@code "stream": true} and the conversation as role and content
     * {@code messages}, the options' system prompt first.
     *
     * @throws IllegalArgumentException when there is nothing to send
     */
    public static ObjectNode withMessages(String model, List<ChatMessage> messages, GenerateOptions options) {
        if (messages.isEmpty() && options.system().isEmpty()) {
            throw new IllegalArgumentException("messages must not be empty");
        }
        ObjectNode body = Json.object().put("model", model);
        ArrayNode msgs = body.putArray("messages");
        options.system().ifPresent(s -> msgs.addObject().put("role", "system").put("content", s));
        for (ChatMessage m : messages) {
            msgs.addObject().put("role", m.role().name().toLowerCase(Locale.ROOT)).put("content", m.content());
        }
        return body.put("stream", true);
    }

    /**
     * Returns a body as {@link #withMessages} does, with each assistant turn that called tools and each tool result
     * written by {@code toolTurn} (the APIs that share the role and content shape differ there: OpenAI sends
     * arguments as a JSON string and a {@code tool_call_id}, Ollama an object and a {@code tool_name}).
     */
    public static ObjectNode withMessages(String model, List<ChatMessage> messages, GenerateOptions options,
            ToolTurnWriter toolTurn) {
        ObjectNode body = withMessages(model, messages, options);
        ArrayNode msgs = (ArrayNode) body.get("messages");
        int offset = msgs.size() - messages.size();
        for (int i = 0; i < messages.size(); i++) {
            ChatMessage m = messages.get(i);
            if (m.hasToolCalls() || m.role() == ChatMessage.Role.TOOL) {
                ObjectNode written = Json.object();
                toolTurn.write(written, m, answeredCall(messages, i));
                msgs.set(offset + i, written);
            }
        }
        return body;
    }

    /** Writes one assistant turn with tool calls, or one tool result, in an API's shape. */
    @FunctionalInterface
    public interface ToolTurnWriter {
        /**
         * Writes {@code message} into {@code target}.
         *
         * @param call for a tool result, the call it answers, or {@code null} when none matches
         */
        void write(ObjectNode target, ChatMessage message, LLMEvent.@Nullable ToolCall call);
    }

    /**
     * Hands each turn to {@code turn}, in order, for the APIs that keep the system text out of the turns, with
     * the call each tool result answers ({@code null} for other turns, or when none matches); returns the system
     * text (the options' system prompt, then every system message, joined by blank lines), or {@code null} when
     * there is none.
     *
     * @throws IllegalArgumentException when there is no user, assistant or tool turn
     */
    public static @Nullable String conversation(List<ChatMessage> messages, GenerateOptions options,
            BiConsumer<ChatMessage, LLMEvent.@Nullable ToolCall> turn) {
        List<String> system = new ArrayList<>();
        options.system().ifPresent(system::add);
        boolean anyTurn = false;
        for (int i = 0; i < messages.size(); i++) {
            ChatMessage m = messages.get(i);
            if (m.role() == ChatMessage.Role.SYSTEM) {
                system.add(m.content());
            } else {
                turn.accept(m, m.role() == ChatMessage.Role.TOOL ? answeredCall(messages, i) : null);
                anyTurn = true;
            }
        }
        if (!anyTurn) {
            throw new IllegalArgumentException("messages must hold at least one user or assistant turn");
        }
        return system.isEmpty() ? null : String.join("\n\n", system);
    }

    /**
     * Returns the call that the tool result at {@code index} answers: in the last assistant turn with tool calls
     * before it, the call with its id, or when it has no id (Ollama, older Gemini models) the call in the same
     * position among that turn's results; {@code null} when none matches.
     */
    static LLMEvent.@Nullable ToolCall answeredCall(List<ChatMessage> messages, int index) {
        ChatMessage result = messages.get(index);
        if (result.role() != ChatMessage.Role.TOOL) {
            return null;
        }
        int position = 0;
        for (int i = index - 1; i >= 0; i--) {
            ChatMessage m = messages.get(i);
            if (m.role() == ChatMessage.Role.TOOL) {
                position++;
            } else if (m.hasToolCalls()) {
                List<LLMEvent.ToolCall> calls = m.toolCalls();
                if (!result.toolCallId().isEmpty()) {
                    for (LLMEvent.ToolCall c : calls) {
                        if (c.id().equals(result.toolCallId())) {
                            return c;
                        }
                    }
                    return null;
                }
                return position < calls.size() ? calls.get(position) : null;
            }
        }
        return null;
    }

    /**
     * Returns a tool call's JSON arguments as an object, for the APIs that take them as one (Anthropic's
     * {@code input}, Gemini's {@code args}, Ollama's {@code arguments}). Arguments that are not a JSON object
     * (a model's malformed output) become an empty object, which these APIs accept; the tool's error result that
     * follows tells the model what was wrong.
     */
    public static ObjectNode arguments(LLMEvent.ToolCall call) {
        try {
            return Json.parse(call.arguments()) instanceof ObjectNode o ? o : Json.object();
        } catch (JsonProcessingException e) {
            return Json.object();
        }
    }

    /** Returns a tool result as JSON when it is JSON, otherwise as a JSON string: for APIs that take a value. */
    public static JsonNode resultValue(String content) {
        String trimmed = content.strip();
        if (trimmed.startsWith("{") || trimmed.startsWith("[")) {
            try {
                return Json.parse(trimmed);
            } catch (JsonProcessingException e) {
                // not JSON after all: sent as text below
            }
        }
        return Json.MAPPER.getNodeFactory().textNode(content);
    }

    /**
     * Puts the options' temperature, top-p, token limit and stop sequences into {@code target}, under the API's
     * names for the last three; a {@code null} {@code maxTokens} name leaves the token limit to the caller.
     */
    public static void sampling(ObjectNode target, GenerateOptions options, String topP, @Nullable String maxTokens,
            String stop) {
        options.temperature().ifPresent(t -> target.put("temperature", t));
        options.topP().ifPresent(p -> target.put(topP, p));
        if (maxTokens != null) {
            options.maxTokens().ifPresent(n -> target.put(maxTokens, n));
        }
        if (!options.stop().isEmpty()) {
            ArrayNode sequences = target.putArray(stop);
            options.stop().forEach(sequences::add);
        }
    }

    /** Returns the declarations of {@code tools}: name, description when there is one, and the schema. */
    public static ArrayNode tools(List<ToolSpec> tools, String schemaField) {
        ArrayNode array = Json.MAPPER.createArrayNode();
        for (ToolSpec t : tools) {
            ObjectNode tool = array.addObject().put("name", t.name());
            if (!t.description().isEmpty()) {
                tool.put("description", t.description());
            }
            tool.set(schemaField, schema(t));
        }
        return array;
    }

    /**
     * Returns {@code tools} in the Chat Completions shape that OpenAI, its compatibles and Ollama share:
     * {@code [{"type":"function","function":{"name","description","parameters"}}]}.
     */
    public static ArrayNode functionTools(List<ToolSpec> tools) {
        ArrayNode array = Json.MAPPER.createArrayNode();
        for (JsonNode declaration : tools(tools, "parameters")) {
            array.addObject().put("type", "function").set("function", declaration);
        }
        return array;
    }

    /**
     * Sets the options' extra fields last, so they win. With {@code mergeObjects}, an object merges into an object
     * the body already holds (Gemini's {@code generationConfig} keeps its temperature when a caller adds
     * {@code thinkingConfig}); otherwise a field replaces the one there.
     */
    public static ObjectNode extraBody(ObjectNode body, GenerateOptions options, boolean mergeObjects) {
        options.extraBody().forEach((k, v) -> {
            JsonNode value = Json.MAPPER.valueToTree(v);
            if (mergeObjects && body.get(k) instanceof ObjectNode target && value instanceof ObjectNode extra) {
                target.setAll(extra);
            } else {
                body.set(k, value);
            }
        });
        return body;
    }

    /** Returns a response schema's JSON Schema, parsed; a clear error names the schema when invalid. */
    public static ObjectNode schema(ResponseSchema schema) {
        try {
            if (Json.parse(schema.jsonSchema()) instanceof ObjectNode o) {
                return o;
            }
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("response schema " + schema.name() + " is not valid JSON: "
                    + e.getOriginalMessage(), e);
        }
        throw new IllegalArgumentException("response schema " + schema.name() + " is not a JSON object");
    }

    /**
     * Returns a JSON Schema in the OpenAPI subset that Gemini's {@code responseSchema} documents: upper-case
     * {@code type}s, {@code propertyOrdering} in the properties' order (so that fields arrive in the record's order),
     * and no {@code additionalProperties}, which that subset lacks.
     */
    public static ObjectNode openApiSchema(JsonNode jsonSchema) {
        ObjectNode out = Json.object();
        jsonSchema.fields().forEachRemaining(f -> {
            switch (f.getKey()) {
                case "type" -> out.put("type", f.getValue().asText().toUpperCase(Locale.ROOT));
                case "additionalProperties" -> { }
                case "items" -> out.set("items", openApiSchema(f.getValue()));
                case "properties" -> {
                    ObjectNode properties = out.putObject("properties");
                    ArrayNode order = Json.MAPPER.createArrayNode();
                    f.getValue().fields().forEachRemaining(p -> {
                        properties.set(p.getKey(), openApiSchema(p.getValue()));
                        order.add(p.getKey());
                    });
                    out.set("propertyOrdering", order);
                }
                default -> out.set(f.getKey(), f.getValue());
            }
        });
        return out;
    }

    /** Returns the JSON Schema of {@code tool}'s parameters, parsed; a clear error names the tool when invalid. */
    static JsonNode schema(ToolSpec tool) {
        try {
            return Json.parse(tool.parametersJsonSchema());
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(
                    "tool " + tool.name() + ": parameters are not valid JSON: " + e.getOriginalMessage(), e);
        }
    }
}
