/**
 * Ollama's native chat API, streamed as newline-delimited JSON: {@link io.synapsekit.llm.ollama.OllamaLLM}.
 */
@NullMarked
package io.synapsekit.llm.ollama;

import org.jspecify.annotations.NullMarked;
