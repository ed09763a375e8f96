/**
 * Not an API: the machinery our modules share, the HTTP streaming client every provider and embeddings client runs
 * on (retries, time limits, error mapping, the builders' state), JSON helpers, the transport lookup and the timer
 * thread.
 *
 * <p>Exported only to {@code io.synapsekit.graph}, {@code io.synapsekit.rag} and
 * {@code io.synapsekit.transport.jdk}, which are released with this module. On the class path its public types
 * can be reached, but they change without notice from one release to the next: use the exported packages.
 */
@NullMarked
package io.synapsekit.internal;

import org.jspecify.annotations.NullMarked;
