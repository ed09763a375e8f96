package io.synapsekit.rag.retrieval;

import io.synapsekit.rag.Chunk;
import io.synapsekit.rag.RetrievedChunk;
import java.util.List;

/**
 * An index of chunks that finds the ones most relevant to a query.
 *
 * <p>Implementations are thread-safe: {@link #add} may run while other threads call {@link #retrieve}; a query
 * sees each added batch either wholly or not at all.
 */
public interface Retriever {

    /**
     * Indexes {@code chunks}. May block (an embedding retriever calls its model).
     *
     * @throws IllegalArgumentException when a chunk id is already indexed
     */
    void add(List<Chunk> chunks);

    /**
     * Returns at most {@code k} chunks relevant to {@code query}, best first. Chunks that do not match at all
     * are left out, so the result may be empty.
     *
     * @throws IllegalArgumentException when {@code k} is not positive
     */
    List<RetrievedChunk> retrieve(String query, int k);

    /** Returns the number of chunks indexed. */
    int size();
}
