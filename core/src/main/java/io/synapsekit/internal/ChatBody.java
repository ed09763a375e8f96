package io.synapsekit.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.synapsekit.llm.ChatMessage;
import io.synapsekit.llm.GenerateOptions;
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
     * Hands each user and assistant turn to {@code turn}, in order, for the APIs that keep the system text out of
     * the turns; returns that text (the options' system prompt, then every system message, joined by blank lines),
     * or {@code null} when there is none.
     *
     * @throws IllegalArgumentException when there is no user or assistant turn
     */
    public static @Nullable String turns(List<ChatMessage> messages, GenerateOptions options,
            BiConsumer<ChatMessage.Role, String> turn) {
        List<String> system = new ArrayList<>();
        options.system().ifPresent(system::add);
        boolean anyTurn = false;
        for (ChatMessage m : messages) {
            if (m.role() == ChatMessage.Role.SYSTEM) {
                system.add(m.content());
            } else {
                turn.accept(m.role(), m.content());
                anyTurn = true;
            }
        }
        if (!anyTurn) {
            throw new IllegalArgumentException("messages must hold at least one user or assistant turn");
        }
        return system.isEmpty() ? null : String.join("\n\n", system);
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
