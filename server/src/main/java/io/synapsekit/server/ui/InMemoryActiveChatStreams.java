package io.synapsekit.server.ui;

import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The in-process {@link ActiveChatStreams}: a concurrent map from chat id to stream id, holding only answers still
 * running (each is removed when it ends), so it stays as small as the number of answers in progress. Thread-safe.
 */
public final class InMemoryActiveChatStreams implements ActiveChatStreams {

    private final ConcurrentHashMap<String, String> active = new ConcurrentHashMap<>();

    /** Creates an empty map. */
    public InMemoryActiveChatStreams() {
    }

    @Override
    public void begin(String chatId, String streamId) {
        active.put(Objects.requireNonNull(chatId, "chatId"), Objects.requireNonNull(streamId, "streamId"));
    }

    @Override
    public Optional<String> find(String chatId) {
        return Optional.ofNullable(active.get(Objects.requireNonNull(chatId, "chatId")));
    }

    @Override
    public void end(String chatId, String streamId) {
        active.remove(chatId, streamId);
    }

    @Override
    public String toString() {
        return "InMemoryActiveChatStreams{active=" + active.size() + '}';
    }
}
