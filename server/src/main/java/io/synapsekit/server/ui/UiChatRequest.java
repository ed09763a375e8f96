package io.synapsekit.server.ui;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.synapsekit.llm.ChatMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What {@code useChat} (the {@code ai} package's {@code DefaultChatTransport}) POSTs for an answer, read into
 * SynapseKit's chat messages: {@code {"id": chatId, "messages": [UIMessage…], "trigger": …, "messageId": …}},
 * each message {@code {"id", "role", "parts": [{"type": "text", "text": …}, …]}}.
 *
 * <p>A message's text parts, joined, become its content. Parts that carry nothing for the model are skipped:
 * {@code reasoning} (providers want earlier reasoning left out), {@code source-url}, {@code source-document},
 * {@code step-start}, {@code data-*} and tool parts (a {@link ChatMessage} has no tool calls). A {@code file} part
 * is refused rather than dropped, so an attachment is never silently ignored; so is a {@code system} message,
 * since a client must not replace the server's instructions. Assistant messages left without text (only tool calls,
 * say) are skipped. The last message must be the user's: it is the question.
 *
 * @param chatId the chat's id ({@code id}), stable across the turns of one conversation
 * @param messages the conversation, oldest first, ending with the user's question
 * @param trigger {@code submit-message} or {@code regenerate-message}; {@code submit-message} when absent
 * @param messageId the id of the message to regenerate, or {@code null}
 */
public record UiChatRequest(String chatId, List<ChatMessage> messages, String trigger, @Nullable String messageId) {

    /** The longest chat id accepted: ids name streams to resume, so they are kept short. */
    public static final int MAX_CHAT_ID_CHARS = 200;

    public UiChatRequest {
        Objects.requireNonNull(chatId, "chatId");
        messages = List.copyOf(messages);
        Objects.requireNonNull(trigger, "trigger");
        if (messages.isEmpty() || messages.get(messages.size() - 1).role() != ChatMessage.Role.USER) {
            throw new UiChatRequestException("messages: the last message must be the user's");
        }
    }

    /** Returns the question: the text of the last message, the user's. */
    public String question() {
        return messages.get(messages.size() - 1).content();
    }

    /**
     * Reads a request body.
     *
     * @throws UiChatRequestException naming the field and what was wrong, when {@code json} is not a request
     *     {@code useChat} sends or cannot be answered
     */
    public static UiChatRequest parse(String json) {
        Objects.requireNonNull(json, "json");
        JsonNode root;
        try {
            root = UiMessageEncoder.JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new UiChatRequestException("the body is not valid JSON: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) {
            throw new UiChatRequestException("the body must be a JSON object with \"id\" and \"messages\"");
        }
        String chatId = text(root, "id", "id");
        if (chatId.isBlank() || chatId.length() > MAX_CHAT_ID_CHARS) {
            throw new UiChatRequestException("id: must be 1 to " + MAX_CHAT_ID_CHARS + " characters, got "
                    + chatId.length());
        }
        if (chatId.equals(".") || chatId.equals("..") || chatId.chars().anyMatch(c -> c == '/' || c < 0x20)) {
            throw new UiChatRequestException("id: must not be \".\" or \"..\" nor contain '/' or control characters");
        }
        JsonNode list = root.get("messages");
        if (list == null || !list.isArray()) {
            throw new UiChatRequestException("messages: expected an array of UI messages");
        }
        if (list.isEmpty()) {
            throw new UiChatRequestException("messages: must not be empty");
        }
        List<ChatMessage> messages = new ArrayList<>(list.size());
        for (int i = 0; i < list.size(); i++) {
            ChatMessage m = message(list.get(i), "messages[" + i + "]");
            if (m != null) {
                messages.add(m);
            }
        }
        String trigger = "submit-message";
        JsonNode t = root.get("trigger");
        if (t != null && !t.isNull()) {
            trigger = text(root, "trigger", "trigger");
            if (!trigger.equals("submit-message") && !trigger.equals("regenerate-message")) {
                throw new UiChatRequestException("trigger: expected \"submit-message\" or \"regenerate-message\", got "
                        + shown(trigger));
            }
        }
        JsonNode id = root.get("messageId");
        String messageId = id == null || id.isNull() ? null : text(root, "messageId", "messageId");
        return new UiChatRequest(chatId, messages, trigger, messageId);
    }

    private static @Nullable ChatMessage message(JsonNode node, String path) {
        if (node == null || !node.isObject()) {
            throw new UiChatRequestException(path + ": expected an object");
        }
        String role = text(node, "role", path + ".role");
        ChatMessage.Role parsed = switch (role) {
            case "user" -> ChatMessage.Role.USER;
            case "assistant" -> ChatMessage.Role.ASSISTANT;
            case "system" -> throw new UiChatRequestException(path + ".role: system messages are not accepted from"
                    + " the client; set the instructions on the server");
            default -> throw new UiChatRequestException(path + ".role: expected \"user\" or \"assistant\", got "
                    + shown(role));
        };
        JsonNode parts = node.get("parts");
        if (parts == null || !parts.isArray()) {
            throw new UiChatRequestException(path + ".parts: expected an array");
        }
        StringBuilder content = new StringBuilder();
        for (int i = 0; i < parts.size(); i++) {
            JsonNode part = parts.get(i);
            String at = path + ".parts[" + i + "]";
            if (part == null || !part.isObject()) {
                throw new UiChatRequestException(at + ": expected an object");
            }
            String type = text(part, "type", at + ".type");
            if (type.equals("text")) {
                content.append(text(part, "text", at + ".text"));
            } else if (type.equals("file")) {
                throw new UiChatRequestException(at + ": file parts are not supported");
            }
            // reasoning, sources, step-start, data-* and tool parts carry nothing a ChatMessage can hold
        }
        if (parsed == ChatMessage.Role.ASSISTANT && content.isEmpty()) {
            return null;
        }
        if (parsed == ChatMessage.Role.USER && content.toString().isBlank()) {
            throw new UiChatRequestException(path + ": a user message needs a non-blank text part");
        }
        return new ChatMessage(parsed, content.toString());
    }

    private static String text(JsonNode node, String field, String path) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            throw new UiChatRequestException(path + ": missing");
        }
        if (!value.isTextual()) {
            throw new UiChatRequestException(path + ": expected a string, got " + value.getNodeType()
                    .name().toLowerCase(Locale.ROOT));
        }
        return value.asText();
    }

    private static String shown(String s) {
        String cut = s.length() > 40 ? s.substring(0, 40) + "…" : s;
        return '"' + cut.replaceAll("\\p{Cntrl}", "?") + '"';
    }
}
