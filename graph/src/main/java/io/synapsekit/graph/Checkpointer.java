package io.synapsekit.graph;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A store of {@link Checkpoint}s, by thread: what lets a graph run pause, survive its JVM and resume.
 *
 * <p>Each thread's checkpoints are a line of versions; {@link #put} adds the next one only if the thread's head
 * is still the version before it, so that of two runs resuming one thread, one wins and the other gets a
 * {@link CheckpointConflictException}. {@link #putWrite} keeps the update of one finished branch of a wave, so
 * that a run stopped mid-wave reruns only the branches that had not finished.
 *
 * <p>Implementations are thread-safe: one checkpointer serves every run of every graph that uses it. Their
 * methods block on their store; a store failure is a {@link CheckpointException}.
 *
 * @see MemoryCheckpointer
 */
public interface Checkpointer {

    /**
     * Stores {@code checkpoint} as its thread's new head, with the writes it carries.
     *
     * @throws CheckpointConflictException when the thread's head is not version {@code checkpoint.version() - 1}
     *     (no head at all for version 1)
     * @throws CheckpointException when the store fails
     */
    void put(Checkpoint checkpoint);

    /**
     * Adds the update of a finished {@code node} to the pending writes of checkpoint {@code checkpointId}, which
     * then comes back from {@link #get} and {@link #head} with it in {@link Checkpoint#writes()}. Writing the same
     * node again replaces its update.
     *
     * @throws CheckpointException when the checkpoint does not exist or the store fails
     */
    void putWrite(String threadId, String checkpointId, String node, Map<String, @Nullable Object> update);

    /** Returns the thread's newest checkpoint, if it has any. */
    Optional<Checkpoint> head(String threadId);

    /** Returns one checkpoint of a thread, if it exists. */
    Optional<Checkpoint> get(String threadId, String checkpointId);

    /** Returns up to {@code limit} of the thread's checkpoints, newest first; empty for an unknown thread. */
    List<Checkpoint> history(String threadId, int limit);

    /** Removes every checkpoint of the thread; nothing happens for an unknown thread. */
    void delete(String threadId);
}
