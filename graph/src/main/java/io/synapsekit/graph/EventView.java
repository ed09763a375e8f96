package io.synapsekit.graph;

import io.synapsekit.stream.CloseableIterator;
import io.synapsekit.stream.QueueTokenBridge;
import java.util.ArrayDeque;
import java.util.NoSuchElementException;
import java.util.function.Consumer;

/**
 * A view of a run's event bridge as a stream of something else (node updates, tokens, SSE events, JSON
 * messages). Closing the view closes the bridge, which stops the run.
 */
final class EventView<T> implements CloseableIterator<T> {

    /** Turns one event into zero or more items; may throw to end the view with the run's failure. */
    @FunctionalInterface
    interface Mapper<T> {
        void map(GraphEvent event, Consumer<T> out);
    }

    private final QueueTokenBridge<GraphEvent> bridge;
    private final Mapper<T> mapper;
    private final ArrayDeque<T> ready = new ArrayDeque<>();

    EventView(QueueTokenBridge<GraphEvent> bridge, Mapper<T> mapper) {
        this.bridge = bridge;
        this.mapper = mapper;
    }

    @Override
    public boolean hasNext() {
        try {
            while (ready.isEmpty()) {
                if (!bridge.hasNext()) {
                    return false;
                }
                mapper.map(bridge.next(), ready::add);
            }
            return true;
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    @Override
    public T next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        return ready.poll();
    }

    @Override
    public void close() {
        bridge.close();
    }
}
