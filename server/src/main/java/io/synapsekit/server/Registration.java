package io.synapsekit.server;

/**
 * A handle on something registered with a shared store, such as a reader of a stream or a stop listener; closing
 * it takes the registration back.
 *
 * <p>{@code close()} is idempotent, may be called from any thread and throws no checked exception.
 */
@FunctionalInterface
public interface Registration extends AutoCloseable {

    /** A registration with nothing to take back. */
    Registration NONE = () -> { };

    /** Takes the registration back; idempotent. */
    @Override
    void close();
}
