package io.synapsekit.server.internal;

import io.synapsekit.graph.Checkpoint;
import io.synapsekit.graph.CheckpointConflictException;
import io.synapsekit.graph.CompiledGraph;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * The rule for a resume that arrives over the wire, shared by the structured WebSocket protocol and the servlet
 * adapters: only a thread paused at a pause point is resumed, and every other case is refused with a
 * {@link Refusal} that names the thread and what was wrong. Internal: exported only to SynapseKit's own modules,
 * not an API.
 *
 * <p>Stateless and thread-safe. Reads the thread's head from the graph's checkpointer, so call it on a thread that
 * may block (never a container's selector).
 */
public final class ThreadResumes {

    /**
     * Makes the look at a thread's head and the resume's claim one step for the resumes of this JVM. Without it, a
     * resume that saw the thread paused could read, a moment later, another resume's claim as the head and go on
     * from there: the other run would then fail on a conflict, and this one would publish the other's value. The
     * claim is stored before {@code open} returns, so the lock is held over the checkpointer's I/O on purpose. A
     * fixed set of locks, picked by the thread id's hash, needs no cleanup; two threads sharing one only wait.
     */
    private static final ReentrantLock[] CLAIMS = new ReentrantLock[64];

    static {
        for (int i = 0; i < CLAIMS.length; i++) {
            CLAIMS[i] = new ReentrantLock();
        }
    }

    /** The longest thread id accepted over the wire. */
    public static final int MAX_THREAD_ID_CHARS = 200;

    /** Why a resume is refused: each with its wire code and HTTP status. */
    public enum Problem {
        /** The thread has no checkpoint (never started, deleted, or expired). */
        UNKNOWN_THREAD("unknown_thread", 404),
        /** The thread is running, finished, or stopped without a pause: nothing waits for a value. */
        NOT_PAUSED("not_paused", 409),
        /** Another resume of the thread stored its checkpoint first. */
        CONFLICT("conflict", 409);

        private final String code;
        private final int status;

        Problem(String code, int status) {
            this.code = code;
            this.status = status;
        }

        /** Returns the code sent on the wire, e.g. {@code "not_paused"}. */
        public String code() {
            return code;
        }

        /** Returns the HTTP status that answers it. */
        public int status() {
            return status;
        }
    }

    /** A resume that was refused before anything ran; its message names the thread. */
    public static final class Refusal extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final Problem problem;

        Refusal(Problem problem, String message, @Nullable Throwable cause) {
            super(message, cause);
            this.problem = problem;
        }

        /** Returns what was wrong. */
        public Problem problem() {
            return problem;
        }
    }

    private ThreadResumes() {
    }

    /** Returns what is wrong with {@code threadId} as sent by a client, or {@code null} when it can be looked up. */
    public static @Nullable String problem(String threadId) {
        if (threadId.isBlank()) {
            return "empty \"thread_id\"";
        }
        if (threadId.length() > MAX_THREAD_ID_CHARS) {
            return "\"thread_id\" too long: at most " + MAX_THREAD_ID_CHARS + " characters";
        }
        return null;
    }

    /**
     * Opens the resume of thread {@code threadId} with {@code open} (e.g. {@code GraphStreams.sseResume}), given the
     * id of the head checkpoint the resume is bound to, when the thread is paused. Of concurrent resumes of one
     * thread, one runs and the others are refused: in this JVM by a lock ({@code not_paused}); across JVMs sharing a
     * checkpointer because the resume is bound to the head it saw, so a resume that finds another's claim as the
     * head gets {@code conflict}.
     *
     * @param checkpointId the checkpoint the client answers (the {@code checkpoint_id} of the interrupt it saw), or
     *     {@code null} to answer the thread's current pause
     * @throws Refusal when the thread is unknown, not paused, paused at another checkpoint than
     *     {@code checkpointId}, or another resume came first
     * @throws CancellationException when the calling thread is interrupted while another resume claims the thread
     */
    public static <T> Stream<T> resume(CompiledGraph graph, String threadId, @Nullable String checkpointId,
            Function<String, Stream<T>> open) {
        ReentrantLock claim = CLAIMS[Math.floorMod(threadId.hashCode(), CLAIMS.length)];
        try {
            claim.lockInterruptibly();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CancellationException("interrupted while another resume of thread '" + threadId
                    + "' was claiming it");
        }
        try {
            return lookAndClaim(graph, threadId, checkpointId, open);
        } finally {
            claim.unlock();
        }
    }

    private static <T> Stream<T> lookAndClaim(CompiledGraph graph, String threadId, @Nullable String checkpointId,
            Function<String, Stream<T>> open) {
        Optional<Checkpoint> head = graph.state(threadId);
        if (head.isEmpty()) {
            throw new Refusal(Problem.UNKNOWN_THREAD, "unknown thread '" + threadId + "': it has no checkpoint",
                    null);
        }
        if (head.get().pause() == null) {
            throw notPaused(threadId, null);
        }
        if (checkpointId != null && !checkpointId.equals(head.get().id())) {
            throw new Refusal(Problem.CONFLICT, "thread '" + threadId + "' is no longer paused at checkpoint "
                    + checkpointId + ": another resume answered that pause first", null);
        }
        try {
            return open.apply(head.get().id());
        } catch (CheckpointConflictException e) {
            throw new Refusal(Problem.CONFLICT, "thread '" + threadId + "' was resumed by another request first", e);
        } catch (IllegalStateException e) {
            throw notPaused(threadId, e); // its run ended between the look and the resume
        }
    }

    private static Refusal notPaused(String threadId, @Nullable Throwable cause) {
        return new Refusal(Problem.NOT_PAUSED, "thread '" + threadId
                + "' is not paused: it is running or has finished, so there is nothing to resume", cause);
    }
}
