/**
 * Ollama's native chat API, streamed as newline-delimited JSON: {@link io.synapsekit.llm.ollama.OllamaLLM}.
 */
package io.synapsekit.llm.ollama;
