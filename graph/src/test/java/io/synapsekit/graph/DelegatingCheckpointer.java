package io.synapsekit.graph;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/** A checkpointer that passes every call to another, for tests that step in between. */
class DelegatingCheckpointer implements Checkpointer {

    private final Checkpointer delegate;

    DelegatingCheckpointer(Checkpointer delegate) {
        this.delegate = delegate;
    }

    @Override
    public void put(Checkpoint checkpoint) {
        delegate.put(checkpoint);
    }

    @Override
    public void putWrite(String threadId, String checkpointId, String node, Map<String, @Nullable Object> update) {
        delegate.putWrite(threadId, checkpointId, node, update);
    }

    @Override
    public Optional<Checkpoint> head(String threadId) {
        return delegate.head(threadId);
    }

    @Override
    public Optional<Checkpoint> get(String threadId, String checkpointId) {
        return delegate.get(threadId, checkpointId);
    }

    @Override
    public List<Checkpoint> history(String threadId, int limit) {
        return delegate.history(threadId, limit);
    }

    @Override
    public void delete(String threadId) {
        delegate.delete(threadId);
    }
}
