/**
 * Streaming primitives: {@link io.synapsekit.stream.CloseableIterator}, the blocking, closeable sequence every
 * SynapseKit stream is built on.
 */
@NullMarked
package io.synapsekit.stream;

import org.jspecify.annotations.NullMarked;
