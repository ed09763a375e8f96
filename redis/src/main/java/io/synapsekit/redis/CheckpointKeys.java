package io.synapsekit.redis;

import java.util.List;

/**
 * The Redis keys of one checkpointer. A thread's keys share the hash tag {@code {threadId}}, so that a Redis
 * Cluster keeps them on one node and one script can change them together; each key name ends in a suffix no other
 * kind of key ends in, so two threads never share a key.
 */
record CheckpointKeys(String prefix) {

    /** The checkpoint ids of the thread, oldest first: the n-th is version n, the last is the head. */
    String ids(String threadId) {
        return prefix + "{" + threadId + "}:ids";
    }

    /** A hash of the thread's checkpoints in their JSON form, by id, without their pending writes. */
    String bodies(String threadId) {
        return prefix + "{" + threadId + "}:bodies";
    }

    /** A hash of the thread's pending writes, by checkpoint id: one line {@code [node, update]} per write. */
    String writes(String threadId) {
        return prefix + "{" + threadId + "}:writes";
    }

    /** When the thread was last written to, in milliseconds of the checkpointer's clock; kept with a TTL only. */
    String touched(String threadId) {
        return prefix + "{" + threadId + "}:touched";
    }

    /** Every key of the thread, in the order the scripts expect them. */
    List<String> all(String threadId) {
        return List.of(ids(threadId), bodies(threadId), writes(threadId), touched(threadId));
    }
}
