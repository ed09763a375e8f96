/**
 * SynapseKit RAG: retrieval-augmented generation that streams. In-memory BM25 by default (no model, no network),
 * optional embeddings with hybrid retrieval, sources before the first token, and per-session memory.
 */
module io.synapsekit.rag {
    requires transitive io.synapsekit.core;
    requires com.fasterxml.jackson.databind;
    requires org.slf4j;
    // Nullness annotations, kept in the class files for tools; not needed at run time.
    requires static org.jspecify;

    exports io.synapsekit.rag;
    exports io.synapsekit.rag.split;
    exports io.synapsekit.rag.retrieval;
    exports io.synapsekit.rag.embeddings;
}
