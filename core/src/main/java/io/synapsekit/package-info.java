/**
 * The library as a whole: {@link io.synapsekit.SynapseKit#shutdown()} releases its process-wide resources. The
 * APIs are in the packages below this one: {@code llm} (and a package per provider), {@code stream}, {@code sse},
 * {@code http.spi}.
 */
@NullMarked
package io.synapsekit;

import org.jspecify.annotations.NullMarked;
