package io.synapsekit.graph;

import io.synapsekit.stream.QueueTokenBridge;

/**
 * Turns each event of a run into the items of one kind of stream (node updates, tokens, SSE events, JSON
 * messages). It runs on the run's own threads, before the hand-over, so that the run's bridge carries the stream's
 * items themselves: a reader (an SSE relay, say) can then wait on that one bridge, with a time limit, instead of a
 * second thread and queue behind it. Fan-out branches call it concurrently, so a mapper keeps no state.
 */
@FunctionalInterface
interface EventMapper<T> {

    /** Every event, as it is. */
    EventMapper<GraphEvent> IDENTITY = (event, out) -> out.accept(event);

    /**
     * Emits the items {@code event} stands for, possibly none.
     *
     * @throws RuntimeException to end the stream with the run's failure, after the items before it
     * @throws InterruptedException when the stream was closed; let it propagate
     */
    void map(GraphEvent event, QueueTokenBridge.Sink<T> out) throws InterruptedException;
}
