package io.synapsekit.server.agui;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import io.synapsekit.llm.LLMEvent;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** Checks a parsed body against AG-UI 1.0's {@code RunAgentInput} schema, naming the first field that is wrong. */
final class InputParser {

    private static final TypeReference<LinkedHashMap<String, @Nullable Object>> MAP = new TypeReference<>() { };

    private InputParser() {
    }

    static RunAgentInput parse(JsonNode root) {
        if (root == null || !root.isObject()) {
            throw new InvalidRunInputException("", "the body must be a JSON object (a RunAgentInput), got "
                    + kind(root));
        }
        String threadId = requiredString(root, "threadId", "threadId");
        String runId = requiredString(root, "runId", "runId");
        String parentRunId = optionalString(root, "parentRunId", "parentRunId");
        JsonNode messagesNode = root.get("messages");
        if (messagesNode == null || !messagesNode.isArray()) {
            throw new InvalidRunInputException("messages", "must be an array of messages, got " + kind(messagesNode));
        }
        List<RunAgentInput.Message> messages = new ArrayList<>();
        for (int i = 0; i < messagesNode.size(); i++) {
            messages.add(message(messagesNode.get(i), "messages[" + i + "]"));
        }
        Map<String, @Nullable Object> state = new LinkedHashMap<>();
        JsonNode stateNode = root.get("state");
        if (stateNode != null && !stateNode.isNull()) {
            if (!stateNode.isObject()) {
                throw new InvalidRunInputException("state", "must be a JSON object (a graph's state is a map of"
                        + " named values), got " + kind(stateNode));
            }
            state = convert(stateNode);
        }
        List<RunAgentInput.Tool> tools = new ArrayList<>();
        JsonNode toolsNode = root.get("tools");
        if (toolsNode != null && !toolsNode.isNull()) {
            if (!toolsNode.isArray()) {
                throw new InvalidRunInputException("tools", "must be an array, got " + kind(toolsNode));
            }
            for (int i = 0; i < toolsNode.size(); i++) {
                tools.add(tool(toolsNode.get(i), "tools[" + i + "]"));
            }
        }
        List<RunAgentInput.Context> context = new ArrayList<>();
        JsonNode contextNode = root.get("context");
        if (contextNode != null && !contextNode.isNull()) {
            if (!contextNode.isArray()) {
                throw new InvalidRunInputException("context", "must be an array, got " + kind(contextNode));
            }
            for (int i = 0; i < contextNode.size(); i++) {
                JsonNode c = object(contextNode.get(i), "context[" + i + "]");
                context.add(new RunAgentInput.Context(requiredString(c, "description", "context[" + i + "].description"),
                        requiredString(c, "value", "context[" + i + "].value")));
            }
        }
        JsonNode props = root.get("forwardedProps");
        Object forwardedProps = props == null || props.isNull() ? null : plain(props);
        return new RunAgentInput(threadId, runId, parentRunId, messages, state, tools, context, forwardedProps);
    }

    private static RunAgentInput.Message message(JsonNode node, String at) {
        JsonNode m = object(node, at);
        String id = requiredString(m, "id", at + ".id");
        JsonNode roleNode = m.get("role");
        if (roleNode == null || !roleNode.isTextual()) {
            throw new InvalidRunInputException(at + ".role", "must be a string, one of " + roles() + ", got "
                    + kind(roleNode));
        }
        RunAgentInput.Role role = null;
        for (RunAgentInput.Role r : RunAgentInput.Role.values()) {
            if (r.wireName().equals(roleNode.asText())) {
                role = r;
            }
        }
        if (role == null) {
            throw new InvalidRunInputException(at + ".role", "must be one of " + roles() + ", got \""
                    + RunAgentInput.shorten(roleNode.asText()) + "\"");
        }
        String content = at + ".content";
        return switch (role) {
            case DEVELOPER, SYSTEM, REASONING -> new RunAgentInput.Message(id, role,
                    requiredString(m, "content", content), null, List.of());
            case USER -> new RunAgentInput.Message(id, role, textOrParts(m.get("content"), content, true), null,
                    List.of());
            case TOOL -> new RunAgentInput.Message(id, role, textOrParts(m.get("content"), content, true),
                    requiredString(m, "toolCallId", at + ".toolCallId"), List.of());
            case ASSISTANT -> new RunAgentInput.Message(id, role, textOrParts(m.get("content"), content, false),
                    null, toolCalls(m.get("toolCalls"), at + ".toolCalls"));
            case ACTIVITY -> {
                JsonNode c = m.get("content");
                if (c == null || !c.isObject()) {
                    throw new InvalidRunInputException(content, "must be an object, got " + kind(c));
                }
                yield new RunAgentInput.Message(id, role, "", null, List.of());
            }
        };
    }

    /** Returns a content string, or the text parts of a part array joined; {@code required} or absent gives "". */
    private static String textOrParts(@Nullable JsonNode c, String at, boolean required) {
        if (c == null || c.isNull()) {
            if (required) {
                throw new InvalidRunInputException(at, "is missing: a string or an array of parts is required");
            }
            return "";
        }
        if (c.isTextual()) {
            return c.asText();
        }
        if (!required || !c.isArray()) {
            throw new InvalidRunInputException(at, (required ? "must be a string or an array of parts"
                    : "must be a string") + ", got " + kind(c));
        }
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < c.size(); i++) {
            JsonNode part = object(c.get(i), at + "[" + i + "]");
            String type = requiredString(part, "type", at + "[" + i + "].type");
            switch (type) {
                case "text" -> text.append(requiredString(part, "text", at + "[" + i + "].text"));
                case "image", "audio", "video", "document" -> object(part.get("source"), at + "[" + i + "].source");
                default -> throw new InvalidRunInputException(at + "[" + i + "].type",
                        "must be one of [text, image, audio, video, document], got \"" + RunAgentInput.shorten(type)
                                + "\"");
            }
        }
        return text.toString();
    }

    private static List<LLMEvent.ToolCall> toolCalls(@Nullable JsonNode node, String at) {
        if (node == null || node.isNull()) {
            return List.of();
        }
        if (!node.isArray()) {
            throw new InvalidRunInputException(at, "must be an array, got " + kind(node));
        }
        List<LLMEvent.ToolCall> calls = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            String here = at + "[" + i + "]";
            JsonNode call = object(node.get(i), here);
            String id = requiredString(call, "id", here + ".id");
            String type = requiredString(call, "type", here + ".type");
            if (!type.equals("function")) {
                throw new InvalidRunInputException(here + ".type", "must be \"function\", got \""
                        + RunAgentInput.shorten(type) + "\"");
            }
            JsonNode function = object(call.get("function"), here + ".function");
            calls.add(new LLMEvent.ToolCall(i, id, requiredString(function, "name", here + ".function.name"),
                    requiredString(function, "arguments", here + ".function.arguments")));
        }
        return calls;
    }

    private static RunAgentInput.Tool tool(JsonNode node, String at) {
        JsonNode t = object(node, at);
        String name = requiredString(t, "name", at + ".name");
        if (name.isBlank()) {
            throw new InvalidRunInputException(at + ".name", "must not be blank");
        }
        String description = requiredString(t, "description", at + ".description");
        JsonNode parameters = t.get("parameters");
        String schema = "";
        if (parameters != null && !parameters.isNull()) {
            if (!parameters.isObject()) {
                throw new InvalidRunInputException(at + ".parameters", "must be a JSON Schema object, got "
                        + kind(parameters));
            }
            schema = AgUiJson.write(parameters);
        }
        return new RunAgentInput.Tool(name, description, schema);
    }

    private static JsonNode object(@Nullable JsonNode node, String at) {
        if (node == null || !node.isObject()) {
            throw new InvalidRunInputException(at, "must be an object, got " + kind(node));
        }
        return node;
    }

    private static String requiredString(JsonNode parent, String name, String at) {
        JsonNode v = parent.get(name);
        if (v == null || !v.isTextual()) {
            throw new InvalidRunInputException(at, (v == null ? "is missing: " : "") + "a string is required"
                    + (v == null ? "" : ", got " + kind(v)));
        }
        return v.asText();
    }

    private static @Nullable String optionalString(JsonNode parent, String name, String at) {
        JsonNode v = parent.get(name);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw new InvalidRunInputException(at, "must be a string, got " + kind(v));
        }
        return v.asText();
    }

    private static Map<String, @Nullable Object> convert(JsonNode object) {
        try {
            return AgUiJson.MAPPER.treeToValue(object, AgUiJson.MAPPER.constructType(MAP.getType()));
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw new InvalidRunInputException("state", "cannot be read: " + RunAgentInput.shorten(e.getMessage()));
        }
    }

    private static @Nullable Object plain(JsonNode node) {
        try {
            return AgUiJson.MAPPER.treeToValue(node, Object.class);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw new InvalidRunInputException("forwardedProps", "cannot be read: "
                    + RunAgentInput.shorten(e.getMessage()));
        }
    }

    private static String roles() {
        List<String> names = new ArrayList<>();
        for (RunAgentInput.Role r : RunAgentInput.Role.values()) {
            names.add(r.wireName());
        }
        return names.toString();
    }

    static String kind(@Nullable JsonNode node) {
        if (node == null) {
            return "nothing";
        }
        return switch (node.getNodeType()) {
            case ARRAY -> "an array";
            case OBJECT, POJO -> "an object";
            case STRING -> "a string";
            case NUMBER -> "a number";
            case BOOLEAN -> "a boolean";
            case NULL -> "null";
            default -> node.getNodeType().name().toLowerCase(Locale.ROOT);
        };
    }
}
