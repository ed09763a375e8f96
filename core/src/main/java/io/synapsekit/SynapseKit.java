package io.synapsekit;

import io.synapsekit.internal.DeadlineTimer;
import io.synapsekit.internal.Transports;

/**
 * The library's process-wide resources, and the one call that releases them: the timer thread that enforces time
 * limits, and the shared HTTP transports (a connection pool and a selector thread each) that every client built
 * without {@code .transport(…)} uses.
 *
 * <p>Nothing needs releasing in a plain application: the threads are daemons, and the timer thread ends by itself
 * a few seconds after the last deadline. Call {@link #shutdown()} where the library's classes must be unloaded
 * while the JVM goes on: when a web application that has SynapseKit in its {@code WEB-INF/lib} is undeployed or
 * redeployed, or when a plug-in or test class loader is discarded. The {@code synapsekit-servlet} module does it for
 * web applications by itself, when their context is destroyed.
 *
 * <p>Thread-safe.
 */
public final class SynapseKit {

    private SynapseKit() {
    }

    /**
     * Closes the shared HTTP transports and stops the timer thread, waiting a few seconds at most for their threads
     * to end. Requests under way on the shared transports fail, and streams still open lose their time limits.
     * Idempotent, from any thread.
     *
     * <p>The library stays usable: a client used after a shutdown, even one built before it, creates its transport
     * and the timer again, so a shutdown at the wrong moment costs a reconnection, never a broken client.
     */
    public static void shutdown() {
        Transports.shutdown();
        DeadlineTimer.shutdown();
    }
}
