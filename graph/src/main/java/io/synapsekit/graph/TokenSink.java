package io.synapsekit.graph;

import org.jspecify.annotations.Nullable;

/**
 * The token receiver installed for the node running on the current thread. A thread-local rather than a
 * parameter, so that {@link Node} stays a plain function and user nodes can still emit tokens.
 */
record TokenSink(String node, RunListener listener) {

    private static final ThreadLocal<TokenSink> CURRENT = new ThreadLocal<>();

    /** Returns the sink of the node running on this thread if its tokens are wanted, else {@code null}. */
    static @Nullable TokenSink current() {
        TokenSink s = CURRENT.get();
        return s != null && s.listener.wantsTokens(s.node) ? s : null;
    }

    static void install(TokenSink sink) {
        CURRENT.set(sink);
    }

    static void clear() {
        CURRENT.remove();
    }

    void emit(String text) throws InterruptedException {
        listener.on(new GraphEvent.Token(node, text));
    }

    /** Sends another event of this node's answer (a refusal, say) to the same reader as its tokens. */
    void send(GraphEvent event) throws InterruptedException {
        listener.on(event);
    }
}
