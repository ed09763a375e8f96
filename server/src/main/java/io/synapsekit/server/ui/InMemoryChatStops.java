package io.synapsekit.server.ui;

import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/** The in-process {@link ChatStops}: stream ids mapped to their stop actions while they run. Thread-safe. */
public final class InMemoryChatStops implements ChatStops {

    private final ConcurrentHashMap<String, Runnable> listeners = new ConcurrentHashMap<>();

    /** Creates a channel with no listener. */
    public InMemoryChatStops() {
    }

    @Override
    public void stop(String streamId) {
        Runnable onStop = listeners.remove(Objects.requireNonNull(streamId, "streamId"));
        if (onStop != null) {
            onStop.run();
        }
    }

    @Override
    public Registration listen(String streamId, Runnable onStop) {
        Objects.requireNonNull(streamId, "streamId");
        Objects.requireNonNull(onStop, "onStop");
        listeners.put(streamId, onStop);
        return () -> listeners.remove(streamId, onStop);
    }

    @Override
    public String toString() {
        return "InMemoryChatStops{listening=" + listeners.size() + '}';
    }
}
