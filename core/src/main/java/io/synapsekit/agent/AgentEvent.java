package io.synapsekit.agent;

import io.synapsekit.llm.ChatMessage;
import io.synapsekit.llm.LLMEvent;
import io.synapsekit.tool.ToolResult;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One thing that happened while an {@link Agent} worked: a step began, the model wrote a token, thought, refused or
 * wrote part of a tool call, a tool started or finished, a step ended with its usage, or the final answer.
 *
 * <p>An agent's events are, per step: {@code StepStarted}, then as the model streams its {@code Token}s,
 * {@code Thinking}, {@code Refusal} and {@code ToolCallDelta}s, with a {@code ToolStarted} as soon as a call is
 * complete (its deltas always come before it); each {@code ToolFinished} when its tool returns, in completion order;
 * then {@code StepFinished} once the model's answer and every tool of the step have ended. The last event is
 * {@code Finished}. Steps are numbered from 1. Immutable and thread-safe.
 *
 * <pre>{@code
 * try (Stream<AgentEvent> events = agent.events("Weather in Paris and my next meeting?")) {
 *     events.forEach(e -> {
 *         switch (e) {
 *             case AgentEvent.Token t -> ui.append(t.text());
 *             case AgentEvent.ToolStarted s -> ui.spinner(s.call().name());
 *             case AgentEvent.ToolFinished f -> ui.result(f.call().name(), f.result().content());
 *             case AgentEvent.Finished f -> ui.done(f.answer(), f.totalUsage());
 *             default -> { }
 *         }
 *     });
 * }
 * }</pre>
 */
public sealed interface AgentEvent {

    /** Returns the step this event belongs to, from 1. */
    int step();

    /** A step began: the model is asked, with the tool results so far. */
    record StepStarted(int step) implements AgentEvent {
    }

    /**
     * A piece of the model's text.
     *
     * @param step the step
     * @param text the piece
     */
    record Token(int step, String text) implements AgentEvent {
        public Token {
            Objects.requireNonNull(text, "text");
        }
    }

    /**
     * A piece of the model's reasoning text; never part of the answer.
     *
     * @param step the step
     * @param text the piece
     */
    record Thinking(int step, String text) implements AgentEvent {
        public Thinking {
            Objects.requireNonNull(text, "text");
        }
    }

    /**
     * A piece of the model's refusal to answer; never part of the answer.
     *
     * @param step the step
     * @param text the piece
     */
    record Refusal(int step, String text) implements AgentEvent {
        public Refusal {
            Objects.requireNonNull(text, "text");
        }
    }

    /**
     * A fragment of a tool call as the model writes it, before the call is complete and its tool starts.
     *
     * @param step the step
     * @param delta the fragment: the call's index, id and name when sent, and the next piece of its arguments
     */
    record ToolCallDelta(int step, LLMEvent.ToolCallDelta delta) implements AgentEvent {
        public ToolCallDelta {
            Objects.requireNonNull(delta, "delta");
        }
    }

    /**
     * A tool call is complete and its tool has started, on its own virtual thread.
     *
     * @param step the step
     * @param call the call: id, tool name and JSON arguments
     */
    record ToolStarted(int step, LLMEvent.ToolCall call) implements AgentEvent {
        public ToolStarted {
            Objects.requireNonNull(call, "call");
        }
    }

    /**
     * A tool returned: its result, or the error sent back to the model (bad arguments, an unknown tool, a body
     * that threw).
     *
     * @param step the step
     * @param call the call
     * @param result what is sent back to the model
     */
    record ToolFinished(int step, LLMEvent.ToolCall call, ToolResult result) implements AgentEvent {
        public ToolFinished {
            Objects.requireNonNull(call, "call");
            Objects.requireNonNull(result, "result");
        }
    }

    /**
     * A step ended: the model's answer and every tool of the step are done.
     *
     * @param step the step
     * @param usage the step's token counts as the provider reported them, or {@code null} when it sent none
     * @param finishReason the provider's finish reason, or {@code ""} when it sent none
     */
    record StepFinished(int step, LLMEvent.@Nullable Usage usage, String finishReason) implements AgentEvent {
        public StepFinished {
            Objects.requireNonNull(finishReason, "finishReason");
        }
    }

    /**
     * The model answered without calling a tool; this is the last event.
     *
     * @param step the last step
     * @param answer the final answer: the text of the last step
     * @param totalUsage the sum of every step's reported counts; a count is {@code null} when no step reported it
     * @param transcript the whole conversation, from the first message to the final answer
     */
    record Finished(int step, String answer, LLMEvent.Usage totalUsage, List<ChatMessage> transcript)
            implements AgentEvent {
        public Finished {
            Objects.requireNonNull(answer, "answer");
            Objects.requireNonNull(totalUsage, "totalUsage");
            transcript = List.copyOf(transcript);
        }
    }
}
