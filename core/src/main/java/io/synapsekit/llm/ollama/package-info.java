/** Ollama's {@code /api/chat} newline-delimited JSON stream: {@code OllamaLLM}. */
package io.synapsekit.llm.ollama;
