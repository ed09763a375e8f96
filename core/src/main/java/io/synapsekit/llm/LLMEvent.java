package io.synapsekit.llm;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One typed event of an LLM response stream, for callers that want more than the answer text.
 *
 * <p>A stream yields, in order: {@link Token}s, {@link Thinking} and {@link Refusal}s as they arrive,
 * {@link ToolCallDelta}s while the model writes a tool call, one {@link ToolCall} per assembled call once its
 * arguments are complete, then {@link Finish} and {@link Usage} (either may be missing when the provider sends
 * none). {@link Raw} carries anything the decoder does not model, so nothing the provider sends is dropped
 * silently.
 *
 * <pre>{@code
 * try (Stream<LLMEvent> events = llm.events("Why is the sky blue?")) {
 *     events.forEach(e -> {
 *         switch (e) {
 *             case LLMEvent.Token t -> System.out.print(t.text());
 *             case LLMEvent.Usage u -> log.info("tokens: {}", u);
 *             default -> { }
 *         }
 *     });
 * }
 * }</pre>
 */
public sealed interface LLMEvent {

    /**
     * A piece of the answer text, in the order the provider sent it.
     *
     * @param text the piece; never empty
     */
    record Token(String text) implements LLMEvent {
        public Token {
            Objects.requireNonNull(text, "text");
        }
    }

    /**
     * A piece of the model's reasoning ("thinking") text. Never part of the answer.
     *
     * @param text the piece
     */
    record Thinking(String text) implements LLMEvent {
        public Thinking {
            Objects.requireNonNull(text, "text");
        }
    }

    /**
     * A piece of the model's refusal to answer, in its own words (OpenAI's {@code refusal}). Never part of the
     * answer: with structured output the answer text must stay parseable, so a refusal comes on its own channel,
     * as in every official SDK.
     *
     * @param text the piece; never empty
     */
    record Refusal(String text) implements LLMEvent {
        public Refusal {
            Objects.requireNonNull(text, "text");
        }
    }

    /**
     * A fragment of a tool call as the model writes it. Fragments with the same {@code index} belong to one call.
     *
     * @param index the call's position in this response
     * @param id the call id, or {@code null} when this fragment carries none
     * @param name the function name, or {@code null} when this fragment carries none
     * @param argumentsDelta the next piece of the JSON arguments; may be empty ({@code null} is taken as empty)
     */
    record ToolCallDelta(int index, @Nullable String id, @Nullable String name, String argumentsDelta)
            implements LLMEvent {
        // Explicit rather than compact, so that the parameter may be null while the component never is.
        public ToolCallDelta(int index, @Nullable String id, @Nullable String name, @Nullable String argumentsDelta) {
            this.index = index;
            this.id = id;
            this.name = name;
            this.argumentsDelta = argumentsDelta == null ? "" : argumentsDelta;
        }
    }

    /**
     * A complete tool call, assembled from its {@link ToolCallDelta}s.
     *
     * @param index the call's position in this response
     * @param id the call id; empty when the provider sent none ({@code null} is taken as empty)
     * @param name the function name
     * @param arguments the JSON arguments as sent (an empty object {@code "{}"} when none were sent: {@code null}
     *     or empty)
     */
    record ToolCall(int index, String id, String name, String arguments) implements LLMEvent {
        // Explicit rather than compact, so that the parameters may be null while the components never are.
        public ToolCall(int index, @Nullable String id, String name, @Nullable String arguments) {
            this.index = index;
            this.id = id == null ? "" : id;
            this.name = Objects.requireNonNull(name, "name");
            this.arguments = arguments == null || arguments.isEmpty() ? "{}" : arguments;
        }
    }

    /**
     * Token counts reported by the provider. A {@code null} count was not reported; counts are never estimated.
     *
     * @param promptTokens input tokens, or {@code null}
     * @param completionTokens output tokens (including reasoning tokens where the provider counts them), or
     *     {@code null}
     */
    record Usage(@Nullable Integer promptTokens, @Nullable Integer completionTokens) implements LLMEvent {
        /** Returns the sum of both counts, or {@code null} when either is unknown. */
        public @Nullable Integer totalTokens() {
            return promptTokens == null || completionTokens == null ? null : promptTokens + completionTokens;
        }
    }

    /**
     * Why the model stopped, in the provider's own words (OpenAI: {@code "stop"}, {@code "length"},
     * {@code "tool_calls"}, {@code "content_filter"}).
     *
     * @param reason the provider's finish reason
     */
    record Finish(String reason) implements LLMEvent {
        public Finish {
            Objects.requireNonNull(reason, "reason");
        }
    }

    /**
     * Something the provider sent that this library does not model, passed on as data.
     *
     * @param type the SSE event name or the provider's chunk type
     * @param json the payload as received
     */
    record Raw(String type, String json) implements LLMEvent {
        public Raw {
            Objects.requireNonNull(type, "type");
            Objects.requireNonNull(json, "json");
        }
    }
}
