package io.synapsekit.server;

import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** A {@link StreamControl} for one process: stop actions and active streams in maps. Thread-safe. */
final class InProcessStreamControl implements StreamControl {

    private final ConcurrentHashMap<String, Runnable> stops = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, String> active = new ConcurrentHashMap<>();

    @Override
    public Registration onStop(String streamId, Runnable stop) {
        Objects.requireNonNull(streamId, "streamId");
        Objects.requireNonNull(stop, "stop");
        stops.put(streamId, stop);
        return () -> stops.remove(streamId, stop);
    }

    @Override
    public void stop(String streamId) {
        Runnable stop = stops.remove(Objects.requireNonNull(streamId, "streamId"));
        if (stop != null) {
            stop.run();
        }
    }

    @Override
    public void markActive(String key, String streamId) {
        active.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(streamId, "streamId"));
    }

    @Override
    public Optional<String> activeStream(String key) {
        return Optional.ofNullable(active.get(Objects.requireNonNull(key, "key")));
    }

    @Override
    public void clearActive(String key, String streamId) {
        active.remove(Objects.requireNonNull(key, "key"), Objects.requireNonNull(streamId, "streamId"));
    }

    @Override
    public String toString() {
        return "StreamControl.inProcess{running=" + stops.size() + ", active=" + active.size() + '}';
    }
}
