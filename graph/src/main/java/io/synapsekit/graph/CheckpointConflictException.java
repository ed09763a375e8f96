package io.synapsekit.graph;

/**
 * Thrown when a checkpoint is not the next version of its thread's head: another run of the same thread (a
 * second resume, say) stored a newer checkpoint first. The run that gets it stops; the one that stored first
 * goes on.
 */
public final class CheckpointConflictException extends CheckpointException {

    private final String threadId;
    private final long version;

    /**
     * Creates a conflict.
     *
     * @param threadId the thread
     * @param version the version the losing checkpoint would have had
     * @param headVersion the head's version found instead (0 when the thread had none)
     */
    public CheckpointConflictException(String threadId, long version, long headVersion) {
        super("thread '" + threadId + "' moved on: checkpoint version " + version + " expected head version "
                + (version - 1) + " but found " + headVersion + "; another run of this thread stored first", null);
        this.threadId = threadId;
        this.version = version;
    }

    /** A conflict told in words of its own: a resume that answered a checkpoint that is no longer the head. */
    CheckpointConflictException(String threadId, long version, String message) {
        super(message, null);
        this.threadId = threadId;
        this.version = version;
    }

    /** Returns the thread whose head moved. */
    public String threadId() {
        return threadId;
    }

    /** Returns the version the refused checkpoint would have had. */
    public long version() {
        return version;
    }
}
