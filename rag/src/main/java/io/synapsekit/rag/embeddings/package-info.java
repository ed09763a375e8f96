/**
 * Optional embeddings: the {@link io.synapsekit.rag.embeddings.Embeddings} interface, its OpenAI and Ollama
 * clients, and {@link io.synapsekit.rag.embeddings.InMemoryVectorStore}.
 */
package io.synapsekit.rag.embeddings;
