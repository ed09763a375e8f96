package io.synapsekit.graph;

import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Thrown when a {@link Checkpointer} cannot store or read a checkpoint: its store failed or holds something it
 * cannot read. A run that meets it stops; its thread's head is the last checkpoint stored, so it can be resumed.
 */
public class CheckpointException extends GraphException {

    /**
     * Creates a failure of a checkpointer's store.
     *
     * @param message what failed, naming the thread; never a credential
     * @param cause the store's error, or {@code null}
     */
    public CheckpointException(String message, @Nullable Throwable cause) {
        super(message, null, Map.of(), cause);
    }
}
