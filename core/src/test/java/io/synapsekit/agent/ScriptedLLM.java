package io.synapsekit.agent;

import io.synapsekit.llm.ChatMessage;
import io.synapsekit.llm.GenerateOptions;
import io.synapsekit.llm.LLM;
import io.synapsekit.llm.LLMEvent;
import io.synapsekit.stream.CloseableIterator;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** An LLM that answers each request with the next scripted list of events, and records what it was sent. */
final class ScriptedLLM implements LLM {

    final List<List<ChatMessage>> requests = new CopyOnWriteArrayList<>();
    final List<GenerateOptions> options = new CopyOnWriteArrayList<>();
    private final Deque<List<LLMEvent>> answers = new ArrayDeque<>();

    ScriptedLLM then(LLMEvent... events) {
        answers.add(List.of(events));
        return this;
    }

    @Override
    public CloseableIterator<LLMEvent> eventIterator(List<ChatMessage> messages, GenerateOptions options) {
        requests.add(List.copyOf(messages));
        this.options.add(options);
        List<LLMEvent> answer = answers.poll();
        if (answer == null) {
            throw new AssertionError("no scripted answer left for request " + requests.size());
        }
        Iterator<LLMEvent> it = answer.iterator();
        return new CloseableIterator<>() {
            @Override
            public boolean hasNext() {
                return it.hasNext();
            }

            @Override
            public LLMEvent next() {
                return it.next();
            }

            @Override
            public void close() {
            }
        };
    }

    static LLMEvent.ToolCall call(int index, String id, String name, String arguments) {
        return new LLMEvent.ToolCall(index, id, name, arguments);
    }
}
