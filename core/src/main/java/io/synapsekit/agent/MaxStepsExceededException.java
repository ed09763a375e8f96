package io.synapsekit.agent;

import io.synapsekit.llm.ChatMessage;
import io.synapsekit.llm.LLMEvent;
import java.util.List;

/**
 * An agent reached its step limit while the model still called tools. Keeps the conversation so far, the tool
 * results of the last step included, so that a caller may continue it or show it.
 */
public final class MaxStepsExceededException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int maxSteps;
    private final transient List<ChatMessage> transcript;
    private final transient LLMEvent.Usage totalUsage;

    MaxStepsExceededException(int maxSteps, List<ChatMessage> transcript, LLMEvent.Usage totalUsage) {
        super("agent: the model still called tools after " + maxSteps + " steps (maxSteps); the last calls were "
                + lastCalls(transcript));
        this.maxSteps = maxSteps;
        this.transcript = List.copyOf(transcript);
        this.totalUsage = totalUsage;
    }

    private static List<String> lastCalls(List<ChatMessage> transcript) {
        for (int i = transcript.size() - 1; i >= 0; i--) {
            if (transcript.get(i).hasToolCalls()) {
                return transcript.get(i).toolCalls().stream().map(LLMEvent.ToolCall::name).toList();
            }
        }
        return List.of();
    }

    /** Returns the step limit that was reached. */
    public int maxSteps() {
        return maxSteps;
    }

    /** Returns the conversation so far: every message sent and received, the last step's tool results included. */
    public List<ChatMessage> transcript() {
        return transcript;
    }

    /** Returns the sum of every step's reported token counts. */
    public LLMEvent.Usage totalUsage() {
        return totalUsage;
    }
}
