package io.synapsekit.http.spi;

/**
 * A factory of {@link HttpTransport}s, found with {@link java.util.ServiceLoader}.
 *
 * <p>When several providers are present the one with the highest {@link #priority()} wins.
 */
public interface HttpTransportProvider {

    /** Returns a short name for logs and errors, e.g. {@code "jdk"}. */
    String name();

    /** Returns this provider's rank; higher wins. The JDK transport ranks {@code 0}. */
    default int priority() {
        return 0;
    }

    /** Returns a new transport configured with {@code options}. */
    HttpTransport create(TransportOptions options);
}
