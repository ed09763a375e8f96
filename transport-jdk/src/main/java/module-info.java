/**
 * The SynapseKit HTTP transport on {@code java.net.http.HttpClient}. Exports nothing: it is found through
 * {@link java.util.ServiceLoader} as an {@link io.synapsekit.http.spi.HttpTransportProvider}.
 */
module io.synapsekit.transport.jdk {
    requires io.synapsekit.core;
    requires java.net.http;
    requires org.slf4j;
    // Nullness annotations, kept in the class files for tools; not needed at run time.
    requires static org.jspecify;

    provides io.synapsekit.http.spi.HttpTransportProvider with io.synapsekit.transport.jdk.JdkHttpTransportProvider;
}
