package io.synapsekit.rag;

import io.synapsekit.llm.ChatMessage;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The last turns of each conversation, by session id, kept in memory.
 *
 * <p>A turn is a question and its answer (whole, or as far as it streamed). At most {@code maxTurns} turns per
 * session and {@code maxSessions} sessions are kept; the least recently used session is forgotten first, so a
 * server with many short-lived sessions does not grow without bound.
 *
 * <p>Thread-safe: one lock guards the map; it is held only to copy or append, never while blocking.
 */
final class ConversationMemory {

    private final int maxTurns;
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<String, Deque<ChatMessage[]>> sessions;

    ConversationMemory(int maxTurns, int maxSessions) {
        this.maxTurns = maxTurns;
        this.sessions = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Deque<ChatMessage[]>> eldest) {
                return size() > maxSessions;
            }
        };
    }

    /** Returns the session's turns as alternating user and assistant messages, oldest first. */
    List<ChatMessage> history(String sessionId) {
        lock.lock();
        try {
            Deque<ChatMessage[]> turns = sessions.get(sessionId);
            if (turns == null) {
                return List.of();
            }
            List<ChatMessage> out = new ArrayList<>(turns.size() * 2);
            for (ChatMessage[] turn : turns) {
                out.add(turn[0]);
                out.add(turn[1]);
            }
            return List.copyOf(out);
        } finally {
            lock.unlock();
        }
    }

    /** Appends a turn, dropping the oldest beyond {@code maxTurns}. */
    void record(String sessionId, String question, String answer) {
        if (maxTurns == 0) {
            return;
        }
        ChatMessage[] turn = {ChatMessage.user(question), ChatMessage.assistant(answer)};
        lock.lock();
        try {
            Deque<ChatMessage[]> turns = sessions.computeIfAbsent(sessionId, id -> new ArrayDeque<>());
            turns.addLast(turn);
            while (turns.size() > maxTurns) {
                turns.removeFirst();
            }
        } finally {
            lock.unlock();
        }
    }

    void forget(String sessionId) {
        lock.lock();
        try {
            sessions.remove(sessionId);
        } finally {
            lock.unlock();
        }
    }
}
