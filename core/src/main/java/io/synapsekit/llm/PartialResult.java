package io.synapsekit.llm;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * What a stream delivered before it failed: its answer text, thinking, refusal, tool calls and the token counts
 * reported so far. Carried by every {@link LLMException}.
 *
 * <p>Immutable and thread-safe.
 *
 * @param text the answer text delivered; {@code ""} when none ({@code null} is taken as empty)
 * @param thinking the reasoning ("thinking") text delivered; {@code ""} when none ({@code null} is taken as empty)
 * @param refusal the refusal text delivered; {@code ""} when none ({@code null} is taken as empty)
 * @param toolCalls the tool calls the model finished, in the order it finished them, then any it was still
 *     writing, in index order, with the arguments received so far (which may be cut mid-JSON, so may not parse);
 *     empty when none ({@code null} is taken as empty; the list is copied)
 * @param usage the token counts the provider reported before the failure, or {@code null} when it reported none
 *     (some providers report the prompt's count when the stream opens, and the answer's only at its end)
 */
public record PartialResult(String text, String thinking, String refusal, List<LLMEvent.ToolCall> toolCalls,
        LLMEvent.@Nullable Usage usage) {

    /** Nothing delivered. */
    public static final PartialResult EMPTY = new PartialResult("", "", "", List.of(), null);

    // Explicit rather than compact, so that the parameters may be null while the components (usage aside) never are.
    public PartialResult(@Nullable String text, @Nullable String thinking, @Nullable String refusal,
            @Nullable List<LLMEvent.ToolCall> toolCalls, LLMEvent.@Nullable Usage usage) {
        this.text = text == null ? "" : text;
        this.thinking = thinking == null ? "" : thinking;
        this.refusal = refusal == null ? "" : refusal;
        this.toolCalls = toolCalls == null ? List.of() : List.copyOf(toolCalls);
        this.usage = usage;
    }

    /** Returns a result of answer text only; {@link #EMPTY} for {@code null} or {@code ""}. */
    public static PartialResult ofText(@Nullable String text) {
        return text == null || text.isEmpty() ? EMPTY : new PartialResult(text, "", "", List.of(), null);
    }

    /**
     * Returns whether the model had delivered nothing it wrote: no answer text, thinking, refusal or tool call.
     * Usage does not count, as a provider may report the prompt's tokens before the model writes anything.
     */
    public boolean isEmpty() {
        return text.isEmpty() && thinking.isEmpty() && refusal.isEmpty() && toolCalls.isEmpty();
    }
}
