package io.synapsekit.server.ui;

import java.util.Optional;

/**
 * Which answer is being generated for each chat, so that {@code GET {api}/{chatId}/stream} (a page reloaded with
 * {@code resume: true}) finds the stream to replay and {@code POST {api}/{chatId}/stop} the one to stop. At most one
 * answer is active per chat: a new one replaces the old.
 *
 * <p>Small on purpose, so that a shared store can implement it and let a client resume on another server;
 * {@link InMemoryActiveChatStreams} keeps it in this process. Implementations are thread-safe.
 */
public interface ActiveChatStreams {

    /** Records {@code streamId} as the active answer of chat {@code chatId}. */
    void begin(String chatId, String streamId);

    /** Returns the active answer's stream id of chat {@code chatId}; empty when none, or the chat is unknown. */
    Optional<String> find(String chatId);

    /** Forgets chat {@code chatId}'s active answer if it is still {@code streamId} (a newer one is kept). */
    void end(String chatId, String streamId);
}
