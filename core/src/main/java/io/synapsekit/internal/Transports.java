package io.synapsekit.internal;

import io.synapsekit.http.spi.HttpTransport;
import io.synapsekit.http.spi.HttpTransportProvider;
import io.synapsekit.http.spi.TransportOptions;
import io.synapsekit.http.spi.TransportRequest;
import io.synapsekit.http.spi.TransportResponse;
import java.io.IOException;
import java.util.Comparator;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * Finds the HTTP transport with {@link ServiceLoader} and shares one per set of options, so that every LLM client
 * of an application uses one connection pool.
 *
 * <p>Clients hold a handle, not the transport itself: {@link #shutdown()} closes the transports (their connections
 * and threads), and the next request through a handle creates its transport again, so a client built before a
 * shutdown keeps working after it.
 */
public final class Transports {

    private static final Map<TransportOptions, SharedTransport> SHARED = new ConcurrentHashMap<>();

    private Transports() {
    }

    /**
     * Returns the process-wide transport for {@code options}, creating it on first use.
     *
     * @throws IllegalStateException when no transport module is on the class or module path
     */
    public static HttpTransport shared(TransportOptions options) {
        SharedTransport shared = SHARED.computeIfAbsent(options, SharedTransport::new);
        shared.current(); // fails now, naming the missing module, rather than at the first request
        return shared;
    }

    /**
     * Closes every shared transport, failing the requests under way on them and ending their threads. Idempotent;
     * any thread. A later request creates its transport again.
     */
    public static void shutdown() {
        SHARED.values().forEach(SharedTransport::release);
    }

    /** Returns the highest-priority provider found. */
    public static HttpTransportProvider provider() {
        return ServiceLoader.load(HttpTransportProvider.class, Transports.class.getClassLoader()).stream()
                .map(ServiceLoader.Provider::get)
                .max(Comparator.comparingInt(HttpTransportProvider::priority))
                .or(() -> ServiceLoader.load(HttpTransportProvider.class).stream()
                        .map(ServiceLoader.Provider::get)
                        .max(Comparator.comparingInt(HttpTransportProvider::priority)))
                .orElseThrow(() -> new IllegalStateException(
                        "no HTTP transport found: add io.synapsekit:synapsekit-transport-jdk to the class path,"
                                + " or pass one with .transport(…)"));
    }

    /** The shared transport of one set of options: created on first use, and again after a shutdown. */
    private static final class SharedTransport implements HttpTransport {
        private final TransportOptions options;
        private final ReentrantLock lock = new ReentrantLock();
        private volatile @Nullable HttpTransport current;

        SharedTransport(TransportOptions options) {
            this.options = options;
        }

        @Override
        public TransportResponse send(TransportRequest request) throws IOException {
            return current().send(request);
        }

        HttpTransport current() {
            HttpTransport t = current;
            if (t != null) {
                return t;
            }
            lock.lock();
            try {
                if (current == null) {
                    current = provider().create(options);
                }
                return current;
            } finally {
                lock.unlock();
            }
        }

        void release() {
            HttpTransport t;
            lock.lock();
            try {
                t = current;
                current = null;
            } finally {
                lock.unlock();
            }
            if (t != null) {
                t.close();
            }
        }

        /** Does nothing: the transport is every client's, so one client may not close it; see {@link #shutdown()}. */
        @Override
        public void close() {
        }

        @Override
        public String toString() {
            return "shared " + options;
        }
    }
}
