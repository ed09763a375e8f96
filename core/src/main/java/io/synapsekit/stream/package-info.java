/**
 * Streaming primitives: {@link io.synapsekit.stream.CloseableIterator}, the blocking, closeable sequence every
 * SynapseKit stream is built on.
 */
package io.synapsekit.stream;
