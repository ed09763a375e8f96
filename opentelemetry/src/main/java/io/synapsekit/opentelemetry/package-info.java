/**
 * {@link io.synapsekit.opentelemetry.GenAiTelemetry}: spans and metrics of LLM calls, graph nodes and retrievals,
 * to the OpenTelemetry GenAI semantic conventions (v1.41.0), time to first chunk and time per output chunk included.
 */
@NullMarked
package io.synapsekit.opentelemetry;

import org.jspecify.annotations.NullMarked;
