/**
 * Optional embeddings: the {@link io.synapsekit.rag.embeddings.Embeddings} interface, its OpenAI and Ollama
 * clients, and {@link io.synapsekit.rag.embeddings.InMemoryVectorStore}.
 */
@NullMarked
package io.synapsekit.rag.embeddings;

import org.jspecify.annotations.NullMarked;
