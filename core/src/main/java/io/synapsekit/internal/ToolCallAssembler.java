package io.synapsekit.internal;

import io.synapsekit.llm.LLMEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Assembles tool-call fragments into complete calls, merged by index.
 *
 * <p>Tolerant of what OpenAI-compatible servers really send: the id and name repeated on every fragment, empty
 * ids, and a name split across fragments.
 */
public final class ToolCallAssembler {

    private final Map<Integer, Partial> calls = new TreeMap<>();

    private static final class Partial {
        String id = "";
        final StringBuilder name = new StringBuilder();
        final StringBuilder arguments = new StringBuilder();
    }

    /** Adds one fragment. */
    public void add(LLMEvent.ToolCallDelta delta) {
        Partial p = calls.computeIfAbsent(delta.index(), i -> new Partial());
        if (delta.id() != null && !delta.id().isEmpty()) {
            p.id = delta.id();
        }
        String name = delta.name();
        // Some servers repeat the full name on every fragment; others split it. Append only what is new.
        if (name != null && !name.isEmpty() && !p.name.toString().equals(name)) {
            p.name.append(name);
        }
        p.arguments.append(delta.argumentsDelta());
    }

    /** Returns whether any fragment has been added and not yet drained. */
    public boolean isEmpty() {
        return calls.isEmpty();
    }

    /** Forgets the call at {@code index}, if any: it was completed elsewhere. */
    void remove(int index) {
        calls.remove(index);
    }

    /** Returns the calls as assembled so far, in index order, without forgetting them. */
    List<LLMEvent.ToolCall> snapshot() {
        List<LLMEvent.ToolCall> out = new ArrayList<>(calls.size());
        calls.forEach((index, p) -> out.add(
                new LLMEvent.ToolCall(index, p.id, p.name.toString(), p.arguments.toString())));
        return out;
    }

    /** Returns the complete calls in index order and forgets them. */
    public List<LLMEvent.ToolCall> drain() {
        List<LLMEvent.ToolCall> out = snapshot();
        calls.clear();
        return out;
    }
}
