package io.synapsekit.llm;

import java.util.List;
import java.util.Objects;

/**
 * One turn of a conversation sent to an LLM: a system, user or assistant text, an assistant turn that called
 * tools, or the result of one of those calls.
 *
 * <p>A tool loop sends, after the user's turn, the model's {@link #assistant(String, List) assistant turn with
 * its tool calls}, then one {@link #toolResult(String, String) tool result} per call, in the calls' order; each
 * provider's codec encodes them in its own documented shape (OpenAI {@code tool_calls} and {@code role: tool},
 * Anthropic {@code tool_use} and {@code tool_result} blocks, Gemini {@code functionCall} and
 * {@code functionResponse} parts, Ollama {@code tool_calls} and {@code role: tool}). Immutable and thread-safe.
 *
 * @param role who speaks
 * @param content what was said: the text, or for {@link Role#TOOL} the tool's result
 * @param toolCalls the tool calls of an {@link Role#ASSISTANT} turn, in the model's order; empty otherwise
 * @param toolCallId for {@link Role#TOOL}, the id of the call this answers ({@code ""} when the provider gave the
 *     call none: the result then answers the call in the same position); {@code ""} otherwise
 * @param toolError for {@link Role#TOOL}, whether the call failed and {@code content} is the error (sent as
 *     Anthropic's {@code is_error} and Gemini's {@code error} key); {@code false} otherwise
 */
public record ChatMessage(Role role, String content, List<LLMEvent.ToolCall> toolCalls, String toolCallId,
        boolean toolError) {

    /** Who speaks in a {@link ChatMessage}. */
    public enum Role {
        /** Instructions that frame the conversation. */
        SYSTEM,
        /** The person asking. */
        USER,
        /** The model's earlier answers, and the tool calls it made. */
        ASSISTANT,
        /** The result of a tool call, sent back to the model. */
        TOOL
    }

    public ChatMessage {
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(content, "content");
        toolCalls = List.copyOf(Objects.requireNonNull(toolCalls, "toolCalls"));
        Objects.requireNonNull(toolCallId, "toolCallId");
        if (!toolCalls.isEmpty() && role != Role.ASSISTANT) {
            throw new IllegalArgumentException("only an assistant message carries tool calls, not " + role);
        }
        if (!toolCallId.isEmpty() && role != Role.TOOL) {
            throw new IllegalArgumentException("only a tool message carries a tool call id, not " + role);
        }
        if (toolError && role != Role.TOOL) {
            throw new IllegalArgumentException("only a tool message can be a tool error, not " + role);
        }
    }

    /** Returns a message of {@code role} saying {@code content}, without tool calls. */
    public ChatMessage(Role role, String content) {
        this(role, content, List.of(), "", false);
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

    /**
     * Returns the model's turn that called tools: the text it wrote first ({@code ""} for none) and its calls, as
     * {@link LLMStream#toolCalls()} returns them.
     */
    public static ChatMessage assistant(String text, List<LLMEvent.ToolCall> toolCalls) {
        return new ChatMessage(Role.ASSISTANT, text, toolCalls, "", false);
    }

    /**
     * Returns the result of the tool call {@code toolCallId}, to send after the assistant turn that made it.
     *
     * @param toolCallId the call's {@link LLMEvent.ToolCall#id() id}; {@code ""} when the provider sent none
     * @param content the result as the model should read it (often JSON), or an error message it can act on
     */
    public static ChatMessage toolResult(String toolCallId, String content) {
        return new ChatMessage(Role.TOOL, content, List.of(), toolCallId, false);
    }

    /**
     * Returns the failure of the tool call {@code toolCallId}, for the model to read and correct its call: a
     * {@link #toolResult(String, String) tool result} marked as an error where the provider has a way to say so.
     *
     * @param toolCallId the call's {@link LLMEvent.ToolCall#id() id}; {@code ""} when the provider sent none
     * @param message what went wrong, in words the model can act on
     */
    public static ChatMessage toolError(String toolCallId, String message) {
        return new ChatMessage(Role.TOOL, message, List.of(), toolCallId, true);
    }

    /** Returns whether this is an assistant turn that called tools. */
    public boolean hasToolCalls() {
        return !toolCalls.isEmpty();
    }
}
