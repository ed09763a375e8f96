package io.synapsekit.graph;

/** Receives a run's events as they happen; called from the run's thread and from branch threads at once. */
interface RunListener {

    /** A listener that wants nothing, for {@link CompiledGraph#invoke}. */
    RunListener SILENT = new RunListener() {
        @Override
        public void on(GraphEvent event) {
        }

        @Override
        public boolean wantsTokens(String node) {
            return false;
        }

        @Override
        public boolean wantsEvents() {
            return false;
        }
    };

    /** Takes {@code event}; may block (backpressure) and throws when the run was cancelled. */
    void on(GraphEvent event) throws InterruptedException;

    /** Returns whether tokens of {@code node} are wanted, so nodes stream only when someone listens. */
    boolean wantsTokens(String node);

    /** Returns whether node events are wanted at all; when not, the run skips building them. */
    default boolean wantsEvents() {
        return true;
    }
}
