package io.synapsekit.observe;

import org.jspecify.annotations.Nullable;

/**
 * What one unit of {@link Work} tells its listener: it is entered on the threads that do it, then it ends once.
 * Returned by {@link LLMListener#workStarted}.
 *
 * <p>Thread-safe: a graph run is entered on the run's thread and on each fan-out branch's thread. An exception
 * thrown here is logged once and otherwise ignored.
 */
public interface WorkListener {

    /** A listener that wants nothing. */
    WorkListener NONE = new WorkListener() {
    };

    /**
     * Makes this work's context current on the calling thread until the scope closes; by default nothing. Called
     * on each thread the work runs on, so that what starts there (a node, an LLM call) is its child, across the
     * hand-over to a graph's virtual threads.
     */
    default Scope enter() {
        return Scope.NONE;
    }

    /**
     * Hears the work end.
     *
     * @param failure why it failed or was cancelled, or {@code null} when it completed
     */
    default void finished(@Nullable Throwable failure) {
    }
}
