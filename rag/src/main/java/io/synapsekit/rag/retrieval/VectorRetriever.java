package io.synapsekit.rag.retrieval;

import io.synapsekit.rag.Chunk;
import io.synapsekit.rag.RetrievedChunk;
import io.synapsekit.rag.embeddings.Embeddings;
import io.synapsekit.rag.embeddings.InMemoryVectorStore;
import java.util.List;
import java.util.Objects;

/**
 * Finds chunks by the cosine similarity of their embeddings to the query's.
 *
 * <p>{@link #add} embeds the chunks (blocking on the model, outside any lock) and then stores them; each query
 * embeds the query once. Chunks whose similarity is at most {@code minSimilarity} (default 0) are left out.
 *
 * <p>Thread-safe, as its {@link Embeddings} and {@link InMemoryVectorStore} are.
 */
public final class VectorRetriever implements Retriever {

    private final Embeddings embeddings;
    private final InMemoryVectorStore store;
    private final double minSimilarity;

    /** Creates a retriever over a new, empty store. */
    public VectorRetriever(Embeddings embeddings) {
        this(embeddings, new InMemoryVectorStore(), 0);
    }

    /**
     * Creates a retriever.
     *
     * @param minSimilarity the cosine similarity a chunk must exceed to be returned, from -1 to 1
     * @throws IllegalArgumentException when {@code minSimilarity} is out of range
     */
    public VectorRetriever(Embeddings embeddings, InMemoryVectorStore store, double minSimilarity) {
        this.embeddings = Objects.requireNonNull(embeddings, "embeddings");
        this.store = Objects.requireNonNull(store, "store");
        if (!(minSimilarity >= -1 && minSimilarity <= 1)) {
            throw new IllegalArgumentException("minSimilarity must be between -1 and 1: " + minSimilarity);
        }
        this.minSimilarity = minSimilarity;
    }

    /** Returns the store this retriever searches; its vectors are saved with the index. */
    public InMemoryVectorStore store() {
        return store;
    }

    @Override
    public void add(List<Chunk> chunks) {
        if (chunks.isEmpty()) {
            return;
        }
        List<float[]> vectors = embeddings.embed(chunks.stream().map(Chunk::text).toList());
        if (vectors.size() != chunks.size()) {
            throw new IllegalStateException(
                    embeddings + " returned " + vectors.size() + " vectors for " + chunks.size() + " texts");
        }
        store.add(chunks, vectors);
    }

    @Override
    public List<RetrievedChunk> retrieve(String query, int k) {
        if (k <= 0) {
            throw new IllegalArgumentException("k must be positive: " + k);
        }
        if (store.size() == 0) {
            return List.of();
        }
        return store.search(embeddings.embed(query), k).stream().filter(c -> c.score() > minSimilarity).toList();
    }

    @Override
    public int size() {
        return store.size();
    }

    @Override
    public String toString() {
        return "VectorRetriever[" + embeddings + ", " + store + "]";
    }
}
