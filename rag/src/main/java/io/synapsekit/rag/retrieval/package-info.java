/**
 * Finding the chunks relevant to a question: {@link io.synapsekit.rag.retrieval.Bm25Retriever} (the default),
 * {@link io.synapsekit.rag.retrieval.VectorRetriever} over embeddings, and
 * {@link io.synapsekit.rag.retrieval.HybridRetriever}, which fuses rankings.
 */
@NullMarked
package io.synapsekit.rag.retrieval;

import org.jspecify.annotations.NullMarked;
