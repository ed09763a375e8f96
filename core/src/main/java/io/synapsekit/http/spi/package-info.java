/**
 * The small HTTP transport SPI that LLM clients stream through. Core ships no HTTP client; a transport module
 * (such as {@code synapsekit-transport-jdk}) registers a {@link io.synapsekit.http.spi.HttpTransportProvider}
 * with {@link java.util.ServiceLoader}, both in {@code module-info} and in {@code META-INF/services}.
 *
 * <p>The contract is blocking: {@link io.synapsekit.http.spi.HttpTransport#send} returns once the status line
 * and headers have arrived, and the caller's own thread reads the body.
 */
@NullMarked
package io.synapsekit.http.spi;

import org.jspecify.annotations.NullMarked;
