/**
 * The HTTP transport on the JDK's {@code java.net.http.HttpClient}. Not an API: the package is not exported, and
 * its one public type, {@link io.synapsekit.transport.jdk.JdkHttpTransportProvider}, is public only so that
 * {@link java.util.ServiceLoader} can create it.
 */
@NullMarked
package io.synapsekit.transport.jdk;

import org.jspecify.annotations.NullMarked;
