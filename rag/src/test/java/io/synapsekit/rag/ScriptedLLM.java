package io.synapsekit.rag;

import io.synapsekit.llm.ChatMessage;
import io.synapsekit.llm.GenerateOptions;
import io.synapsekit.llm.LLM;
import io.synapsekit.llm.LLMEvent;
import io.synapsekit.stream.CloseableIterator;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * An in-memory LLM for tests: answers with tokens computed from the request, reports usage, and counts the
 * streams it opened and closed.
 */
final class ScriptedLLM implements LLM {

    final Queue<List<ChatMessage>> requests = new ConcurrentLinkedQueue<>();
    final Queue<GenerateOptions> options = new ConcurrentLinkedQueue<>();
    final AtomicInteger opened = new AtomicInteger();
    final AtomicInteger closed = new AtomicInteger();
    private final Function<List<ChatMessage>, List<String>> answer;

    ScriptedLLM(Function<List<ChatMessage>, List<String>> answer) {
        this.answer = answer;
    }

    /** Answers every request with the same tokens. */
    static ScriptedLLM answering(String... tokens) {
        return new ScriptedLLM(messages -> List.of(tokens));
    }

    /** Returns the last user message of a request: the rendered RAG prompt. */
    static String prompt(List<ChatMessage> messages) {
        return messages.get(messages.size() - 1).content();
    }

    @Override
    public CloseableIterator<LLMEvent> eventIterator(List<ChatMessage> messages, GenerateOptions options) {
        requests.add(List.copyOf(messages));
        this.options.add(options);
        opened.incrementAndGet();
        List<LLMEvent> events = new ArrayList<>();
        List<String> tokens = answer.apply(messages);
        tokens.forEach(t -> events.add(new LLMEvent.Token(t)));
        events.add(new LLMEvent.Finish("stop"));
        events.add(new LLMEvent.Usage(7, tokens.size()));
        return new CloseableIterator<>() {
            private int next;
            private boolean done;

            @Override
            public boolean hasNext() {
                if (done) {
                    return false;
                }
                if (next == events.size()) {
                    close();
                    return false;
                }
                return true;
            }

            @Override
            public LLMEvent next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return events.get(next++);
            }

            @Override
            public void close() {
                if (!done) {
                    done = true;
                    closed.incrementAndGet();
                }
            }
        };
    }
}
