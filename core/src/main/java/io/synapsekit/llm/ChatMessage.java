package io.synapsekit.llm;

import java.util.Objects;

/**
 * One turn of a conversation sent to an LLM.
 *
 * @param role who speaks
 * @param content what was said
 */
public record ChatMessage(Role role, String content) {

    /** Who speaks in a {@link ChatMessage}. */
    public enum Role {
        /** Instructions that frame the conversation. */
        SYSTEM,
        /** The person asking. */
        USER,
        /** The model's earlier answers. */
        ASSISTANT
    }

    public ChatMessage {
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(content, "content");
    }

    /** Returns a system message. */
    public static ChatMessage system(String content) {
        return new ChatMessage(Role.SYSTEM, content);
    }

    /** Returns a user message. */
    public static ChatMessage user(String content) {
        return new ChatMessage(Role.USER, content);
    }

    /** Returns an assistant message. */
    public static ChatMessage assistant(String content) {
        return new ChatMessage(Role.ASSISTANT, content);
    }
}
