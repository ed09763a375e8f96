package io.synapsekit.rag;

import io.synapsekit.llm.LLMEvent;
import io.synapsekit.llm.LLMStream;
import io.synapsekit.stream.CloseableIterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * The events of one RAG answer: the sources, then the LLM's tokens read on the caller's thread, then the
 * refusal if the model refused, usage and done.
 *
 * <p>Holds the LLM stream's connection until the end, a failure or {@link #close()}; each releases it and then
 * hands the answer text delivered so far to {@code onFinish} exactly once (memory records partial answers this
 * way). {@code close()} is idempotent and may be called from any thread. One thread iterates.
 */
final class AnswerEvents implements CloseableIterator<RAGEvent> {

    private enum Step { SOURCES, TOKENS, REFUSAL, USAGE, DONE, END }

    private final List<RetrievedChunk> sources;
    private final LLMStream answer;
    private final Consumer<String> onFinish;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicBoolean finished = new AtomicBoolean();
    private Step step = Step.SOURCES;
    private @Nullable RAGEvent next;

    AnswerEvents(List<RetrievedChunk> sources, LLMStream answer, Consumer<String> onFinish) {
        this.sources = sources;
        this.answer = answer;
        this.onFinish = onFinish;
    }

    @Override
    public boolean hasNext() {
        while (next == null) {
            if (closed.get()) {
                return false;
            }
            try {
                advance();
            } catch (RuntimeException | Error e) {
                close();
                throw e;
            }
        }
        return true;
    }

    private void advance() {
        switch (step) {
            case SOURCES -> {
                next = new RAGEvent.Sources(sources);
                step = Step.TOKENS;
            }
            case TOKENS -> {
                if (answer.hasNext()) {
                    next = new RAGEvent.Token(answer.next());
                } else {
                    step = Step.REFUSAL;
                }
            }
            case REFUSAL -> {
                // Sent whole once the answer has ended: the LLM stream collects a refusal beside the tokens.
                step = Step.USAGE;
                String refusal = answer.refusal();
                if (!refusal.isEmpty()) {
                    next = new RAGEvent.Refusal(refusal);
                }
            }
            case USAGE -> {
                step = Step.DONE;
                answer.usage().ifPresent(
                        (LLMEvent.Usage u) -> next = new RAGEvent.Usage(u.promptTokens(), u.completionTokens()));
            }
            case DONE -> {
                next = new RAGEvent.Done(answer.text(), answer.finishReason().orElse(""));
                step = Step.END;
                finish();
            }
            case END -> close();
        }
    }

    @Override
    public RAGEvent next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        RAGEvent e = next;
        next = null;
        return e;
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            finish();
        }
    }

    private void finish() {
        if (finished.compareAndSet(false, true)) {
            try {
                answer.close();
            } finally {
                onFinish.accept(answer.text());
            }
        }
    }
}
