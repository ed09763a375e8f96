package io.synapsekit.transport.jdk;

import io.synapsekit.http.spi.HttpTransport;
import io.synapsekit.http.spi.HttpTransportProvider;
import io.synapsekit.http.spi.TransportOptions;

/** Provides {@link HttpTransport}s on the JDK's {@code java.net.http.HttpClient}. Found by ServiceLoader. */
public final class JdkHttpTransportProvider implements HttpTransportProvider {

    /** Public no-argument constructor, for ServiceLoader. */
    public JdkHttpTransportProvider() {
    }

    @Override
    public String name() {
        return "jdk";
    }

    @Override
    public HttpTransport create(TransportOptions options) {
        return new JdkHttpTransport(options);
    }
}
