/**
 * Not an API: the one-time warning that a resource (an LLM stream, a token bridge) was abandoned, shared by
 * {@code io.synapsekit.stream} and {@code io.synapsekit.internal}. A package of its own, which imports neither, so
 * that both may use it without importing each other. Not exported.
 */
@NullMarked
package io.synapsekit.internal.leak;

import org.jspecify.annotations.NullMarked;
