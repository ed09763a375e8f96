/**
 * Retrieval-augmented generation that streams: {@link io.synapsekit.rag.RAG} indexes documents, retrieves the
 * chunks relevant to a question, and streams the LLM's answer, with the sources first.
 */
@NullMarked
package io.synapsekit.rag;

import org.jspecify.annotations.NullMarked;
