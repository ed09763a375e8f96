package io.synapsekit.server;

import io.synapsekit.graph.Checkpoint;
import io.synapsekit.graph.Checkpointer;
import io.synapsekit.graph.MemoryCheckpointer;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/** A {@link MemoryCheckpointer} that runs a test's hooks around each put and after each head read. */
final class HookedCheckpointer implements Checkpointer {

    private final MemoryCheckpointer memory = new MemoryCheckpointer();
    volatile Consumer<Checkpoint> beforePut = c -> { };
    volatile Consumer<Checkpoint> afterPut = c -> { };
    volatile Consumer<String> afterHead = t -> { };

    @Override
    public void put(Checkpoint checkpoint) {
        beforePut.accept(checkpoint);
        memory.put(checkpoint);
        afterPut.accept(checkpoint);
    }

    @Override
    public void putWrite(String threadId, String checkpointId, String node, Map<String, Object> update) {
        memory.putWrite(threadId, checkpointId, node, update);
    }

    @Override
    public Optional<Checkpoint> head(String threadId) {
        Optional<Checkpoint> head = memory.head(threadId);
        afterHead.accept(threadId);
        return head;
    }

    @Override
    public Optional<Checkpoint> get(String threadId, String checkpointId) {
        return memory.get(threadId, checkpointId);
    }

    @Override
    public List<Checkpoint> history(String threadId, int limit) {
        return memory.history(threadId, limit);
    }

    @Override
    public void delete(String threadId) {
        memory.delete(threadId);
    }
}
