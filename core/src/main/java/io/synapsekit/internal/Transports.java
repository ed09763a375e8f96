package io.synapsekit.internal;

import io.synapsekit.http.spi.HttpTransport;
import io.synapsekit.http.spi.HttpTransportProvider;
import io.synapsekit.http.spi.TransportOptions;
import java.util.Comparator;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Finds the HTTP transport with {@link ServiceLoader} and shares one per set of options, so that every LLM client
 * of an application uses one connection pool.
 */
public final class Transports {

    private static final Map<TransportOptions, HttpTransport> SHARED = new ConcurrentHashMap<>();

    private Transports() {
    }

    /**
     * Returns the process-wide transport for {@code options}, creating it on first use.
     *
     * @throws IllegalStateException when no transport module is on the class or module path
     */
    public static HttpTransport shared(TransportOptions options) {
        return SHARED.computeIfAbsent(options, o -> provider().create(o));
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
}
