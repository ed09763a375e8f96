/**
 * Observing LLM calls and the work around them, with no tracing library in core: an
 * {@link io.synapsekit.observe.LLMListener} hears each call start, its first chunk, every chunk, its usage and how
 * it ended, and the graph nodes and retrievals around it. {@code synapsekit-opentelemetry} implements it to the
 * OpenTelemetry GenAI semantic conventions; an application may write its own.
 */
@NullMarked
package io.synapsekit.observe;

import org.jspecify.annotations.NullMarked;
