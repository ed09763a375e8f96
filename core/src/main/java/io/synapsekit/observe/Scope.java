package io.synapsekit.observe;

/**
 * A context made current on one thread until {@link #close()}: what a listener returns from {@code enter()} so that
 * work the library does on that thread (sending the request, reading the body, running a node) happens inside the
 * call or the unit of work, e.g. under its tracing span.
 *
 * <p>Closed on the thread that opened it, in reverse order of opening; {@code close()} throws nothing.
 */
@FunctionalInterface
public interface Scope extends AutoCloseable {

    /** A scope that makes nothing current. */
    Scope NONE = () -> { };

    /** Ends the scope: the context current before it is current again. */
    @Override
    void close();
}
