/**
 * Graph workflows that stream: build a {@link io.synapsekit.graph.StateGraph}, {@code compile()} it, then
 * {@link io.synapsekit.graph.CompiledGraph#invoke invoke} it, {@link io.synapsekit.graph.CompiledGraph#stream
 * stream} its node updates, or stream its LLM tokens, SSE events and WebSocket messages with
 * {@link io.synapsekit.graph.GraphStreams}.
 */
@NullMarked
package io.synapsekit.graph;

import org.jspecify.annotations.NullMarked;
