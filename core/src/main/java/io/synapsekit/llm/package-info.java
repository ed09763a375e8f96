/**
 * The LLM API: {@link io.synapsekit.llm.LLM} streams answers as tokens ({@code Stream<String>}), as an
 * {@link io.synapsekit.llm.LLMStream} with usage and finish reason, or as typed
 * {@link io.synapsekit.llm.LLMEvent}s; every failure is an {@link io.synapsekit.llm.LLMException} subtype that
 * keeps the partial text.
 */
@NullMarked
package io.synapsekit.llm;

import org.jspecify.annotations.NullMarked;
