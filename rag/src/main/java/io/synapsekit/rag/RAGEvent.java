package io.synapsekit.rag;

import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One event of a RAG answer, for user interfaces that show where the answer came from.
 *
 * <p>A stream yields, in order: one {@link Sources} (before any token, possibly with no chunks), the answer's
 * {@link Token}s, then one {@link Refusal} when the model refused to answer, then {@link Usage} when the LLM
 * reported token counts, then {@link Done}.
 *
 * <pre>{@code
 * try (Stream<RAGEvent> events = rag.events("What does SynapseKit support?")) {
 *     events.forEach(e -> {
 *         switch (e) {
 *             case RAGEvent.Sources s -> s.chunks().forEach(c -> ui.cite(c.source()));
 *             case RAGEvent.Token t -> ui.append(t.text());
 *             case RAGEvent.Refusal r -> ui.showRefusal(r.text());
 *             case RAGEvent.Usage u -> log.info("{} + {} tokens", u.promptTokens(), u.completionTokens());
 *             case RAGEvent.Done d -> ui.finish();
 *         }
 *     });
 * }
 * }</pre>
 *
 * <p>Every event is an immutable record, safe to hand to another thread.
 */
public sealed interface RAGEvent {

    /**
     * The chunks given to the model as context, ranked, sent before the first token.
     *
     * @param chunks the retrieved chunks, best first; empty when nothing relevant was found
     */
    record Sources(List<RetrievedChunk> chunks) implements RAGEvent {
        public Sources {
            chunks = List.copyOf(chunks);
        }
    }

    /**
     * A piece of the answer, as the LLM streamed it.
     *
     * @param text the piece
     */
    record Token(String text) implements RAGEvent {
        public Token {
            Objects.requireNonNull(text, "text");
        }
    }

    /**
     * The model's refusal to answer, whole, in its own words (OpenAI's {@code refusal}). Never part of the answer
     * text, and sent only when the model refused.
     *
     * @param text the refusal
     */
    record Refusal(String text) implements RAGEvent {
        public Refusal {
            Objects.requireNonNull(text, "text");
        }
    }

    /**
     * Token counts as the LLM's provider reported them for this answer; never estimated, never summed with
     * anything else. A {@code null} count was not reported.
     *
     * @param promptTokens input tokens, or {@code null}
     * @param completionTokens output tokens, or {@code null}
     */
    record Usage(@Nullable Integer promptTokens, @Nullable Integer completionTokens) implements RAGEvent {
    }

    /**
     * The end of the answer.
     *
     * @param answer the whole answer text
     * @param finishReason the provider's finish reason; {@code ""} when it sent none
     */
    record Done(String answer, String finishReason) implements RAGEvent {
        public Done {
            Objects.requireNonNull(answer, "answer");
            finishReason = finishReason == null ? "" : finishReason;
        }
    }
}
