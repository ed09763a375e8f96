package io.synapsekit.server.agui;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.synapsekit.llm.ChatMessage;
import io.synapsekit.llm.LLMEvent;
import io.synapsekit.llm.ToolSpec;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * An AG-UI {@code RunAgentInput}: what an AG-UI client ({@code @ag-ui/client}'s {@code HttpAgent}, CopilotKit) POSTs
 * to start a run: the thread and run ids, the conversation so far, the shared state, the tools the frontend offers,
 * context entries and props forwarded as they are.
 *
 * <p>{@link #parse(String)} checks the body against the protocol (AG-UI 1.0) and fails with an
 * {@link InvalidRunInputException} naming the first field that is wrong. One restriction beyond the protocol: the
 * state, when present, must be a JSON object, since a graph's state is a map of named values.
 *
 * <p>JSON values (state, forwarded props, tool parameters) are held as plain Java values: {@code Map} (insertion
 * order kept), {@code List}, {@code String}, {@code Number}, {@code Boolean} or {@code null}. Immutable and
 * thread-safe.
 *
 * @param threadId the conversation's id, chosen by the client
 * @param runId this run's id, chosen by the client
 * @param parentRunId the run this one continues, or {@code null}
 * @param messages the conversation so far, oldest first
 * @param state the shared state; empty when the client sent none
 * @param tools the tools the frontend offers the agent
 * @param context ambient information for the run
 * @param forwardedProps the client's forwarded props as they were sent, or {@code null}
 */
public record RunAgentInput(String threadId, String runId, @Nullable String parentRunId, List<Message> messages,
        Map<String, @Nullable Object> state, List<Tool> tools, List<Context> context,
        @Nullable Object forwardedProps) {

    // Explicit rather than compact, so that the nullness of the type arguments reaches the class file.
    public RunAgentInput(String threadId, String runId, @Nullable String parentRunId, List<Message> messages,
            Map<String, @Nullable Object> state, List<Tool> tools, List<Context> context,
            @Nullable Object forwardedProps) {
        this.threadId = Objects.requireNonNull(threadId, "threadId");
        this.runId = Objects.requireNonNull(runId, "runId");
        this.parentRunId = parentRunId;
        this.messages = List.copyOf(messages);
        this.state = Collections.unmodifiableMap(new LinkedHashMap<>(state));
        this.tools = List.copyOf(tools);
        this.context = List.copyOf(context);
        this.forwardedProps = forwardedProps;
    }

    /** Who wrote a message, with the protocol's role names. */
    public enum Role {
        DEVELOPER, SYSTEM, ASSISTANT, USER, TOOL, ACTIVITY, REASONING;

        /** Returns the role's name on the wire, such as {@code "assistant"}. */
        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * One message of the conversation.
     *
     * @param id the message's id
     * @param role who wrote it
     * @param text its text: the content string, or the text parts of a multi-part content joined in order (media
     *     parts are not carried); {@code ""} for an activity message or an assistant message of tool calls only
     * @param toolCallId the tool call a {@link Role#TOOL} message answers, else {@code null}
     * @param toolCalls the tool calls an {@link Role#ASSISTANT} message made, else empty
     */
    public record Message(String id, Role role, String text, @Nullable String toolCallId,
            List<LLMEvent.ToolCall> toolCalls) {
        public Message {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(role, "role");
            Objects.requireNonNull(text, "text");
            toolCalls = List.copyOf(toolCalls);
        }
    }

    /**
     * A tool the frontend offers the agent.
     *
     * @param name its name
     * @param description what it does, for the model
     * @param parametersJsonSchema the JSON Schema of its arguments, as JSON text; {@code ""} when none was sent
     */
    public record Tool(String name, String description, String parametersJsonSchema) {
        public Tool {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(description, "description");
            Objects.requireNonNull(parametersJsonSchema, "parametersJsonSchema");
        }

        /** Returns this tool as a {@link ToolSpec}, to send to a model with {@code GenerateOptions.tools}. */
        public ToolSpec toolSpec() {
            return new ToolSpec(name, description, parametersJsonSchema);
        }
    }

    /**
     * A named piece of ambient information for the run.
     *
     * @param description what it is
     * @param value its value
     */
    public record Context(String description, String value) {
        public Context {
            Objects.requireNonNull(description, "description");
            Objects.requireNonNull(value, "value");
        }
    }

    /**
     * Parses a request body.
     *
     * @throws InvalidRunInputException when it is not JSON, or not a {@code RunAgentInput}; the message names the
     *     field
     */
    public static RunAgentInput parse(String json) {
        Objects.requireNonNull(json, "json");
        JsonNode root;
        try {
            root = AgUiJson.MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new InvalidRunInputException("", "the body is not valid JSON: " + shorten(e.getOriginalMessage()));
        }
        return InputParser.parse(root);
    }

    /**
     * Returns the conversation as chat messages for a model: the {@link #context() context} first, as one system
     * message; then developer and system messages, user text, assistant turns with the tool calls they made, and
     * the tool results the frontend sent back, so that a frontend tool's result reaches the model on the next run.
     * Activity and reasoning messages are for the UI and are left out.
     */
    public List<ChatMessage> chatMessages() {
        List<ChatMessage> out = new ArrayList<>();
        if (!context.isEmpty()) {
            StringBuilder text = new StringBuilder("Context from the application:");
            for (Context c : context) {
                text.append("\n- ").append(c.description()).append(": ").append(c.value());
            }
            out.add(ChatMessage.system(text.toString()));
        }
        for (Message m : messages) {
            switch (m.role()) {
                case DEVELOPER, SYSTEM -> out.add(ChatMessage.system(m.text()));
                case USER -> out.add(ChatMessage.user(m.text()));
                case ASSISTANT -> {
                    if (!m.toolCalls().isEmpty()) {
                        out.add(ChatMessage.assistant(m.text(), m.toolCalls()));
                    } else if (!m.text().isEmpty()) {
                        out.add(ChatMessage.assistant(m.text()));
                    }
                }
                case TOOL -> out.add(ChatMessage.toolResult(Objects.requireNonNullElse(m.toolCallId(), ""),
                        m.text()));
                case ACTIVITY, REASONING -> { }
            }
        }
        return out;
    }

    /** Returns the text of the last user message, if there is one. */
    public Optional<String> lastUserText() {
        for (int i = messages.size() - 1; i >= 0; i--) {
            if (messages.get(i).role() == Role.USER) {
                return Optional.of(messages.get(i).text());
            }
        }
        return Optional.empty();
    }

    /** Returns the tools as {@link ToolSpec}s, to send to a model. */
    public List<ToolSpec> toolSpecs() {
        return tools.stream().map(Tool::toolSpec).toList();
    }

    static String shorten(@Nullable String s) {
        if (s == null) {
            return "";
        }
        String cut = s.length() > 100 ? s.substring(0, 100) + "…" : s;
        return cut.replaceAll("\\p{Cntrl}", "?");
    }
}
