package io.synapsekit.graph;

import io.synapsekit.llm.LLMEvent;
import io.synapsekit.llm.LLMStream;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Everything an {@link LlmNode}'s model answered, kept in the state under the node's
 * {@link LlmNode#answerKey(String) answerKey}: the text, and what came beside it.
 *
 * @param text the answer text
 * @param thinking the reasoning text; {@code ""} when none
 * @param refusal the model's refusal; {@code ""} when none
 * @param toolCalls the tool calls, in order; empty when none
 * @param usage the token counts as the provider reported them, or {@code null} when it sent none
 * @param finishReason the provider's finish reason, or {@code ""} when it sent none
 */
public record LlmAnswer(String text, String thinking, String refusal, List<LLMEvent.ToolCall> toolCalls,
        LLMEvent.@Nullable Usage usage, String finishReason) {

    public LlmAnswer {
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(thinking, "thinking");
        Objects.requireNonNull(refusal, "refusal");
        toolCalls = List.copyOf(toolCalls);
        Objects.requireNonNull(finishReason, "finishReason");
    }

    /** Returns what {@code answer} delivered, once it has ended. */
    static LlmAnswer of(LLMStream answer) {
        return new LlmAnswer(answer.text(), answer.thinking(), answer.refusal(), answer.toolCalls(),
                answer.usage().orElse(null), answer.finishReason().orElse(""));
    }
}
