package io.synapsekit.rag.retrieval;

import io.synapsekit.rag.Chunk;
import io.synapsekit.rag.RetrievedChunk;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Combines retrievers by reciprocal rank fusion: a chunk's score is the sum, over the retrievers that found it,
 * of {@code 1 / (rrfK + rank)}, with ranks from 1 and {@code rrfK = 60} by default. Rank fusion needs no common
 * scale, so BM25 scores and cosine similarities combine without tuning.
 *
 * <p>Each retriever is asked for {@code 4 * k} candidates. {@link #add} adds to every retriever in turn.
 *
 * <p>Thread-safe, as its retrievers are.
 */
public final class HybridRetriever implements Retriever {

    /** The usual fusion constant, which damps the weight of the very top ranks. */
    public static final int DEFAULT_RRF_K = 60;

    private final List<Retriever> retrievers;
    private final int rrfK;

    /**
     * Creates a hybrid of {@code retrievers} with {@code rrfK = 60}.
     *
     * @throws IllegalArgumentException when none is given
     */
    public HybridRetriever(Retriever... retrievers) {
        this(List.of(retrievers), DEFAULT_RRF_K);
    }

    /**
     * Creates a hybrid.
     *
     * @throws IllegalArgumentException when {@code retrievers} is empty or {@code rrfK} is negative
     */
    public HybridRetriever(List<Retriever> retrievers, int rrfK) {
        if (retrievers.isEmpty()) {
            throw new IllegalArgumentException("a hybrid needs at least one retriever");
        }
        if (rrfK < 0) {
            throw new IllegalArgumentException("rrfK must not be negative: " + rrfK);
        }
        this.retrievers = List.copyOf(retrievers);
        this.rrfK = rrfK;
    }

    /** Returns the fused retrievers, in order. */
    public List<Retriever> retrievers() {
        return retrievers;
    }

    @Override
    public void add(List<Chunk> chunks) {
        for (Retriever r : retrievers) {
            r.add(chunks);
        }
    }

    @Override
    public List<RetrievedChunk> retrieve(String query, int k) {
        if (k <= 0) {
            throw new IllegalArgumentException("k must be positive: " + k);
        }
        int candidates = (int) Math.min(Integer.MAX_VALUE, 4L * k);
        Map<String, Chunk> chunks = new LinkedHashMap<>();
        Map<String, Double> scores = new LinkedHashMap<>();
        for (Retriever r : retrievers) {
            List<RetrievedChunk> ranked = r.retrieve(query, candidates);
            for (int rank = 0; rank < ranked.size(); rank++) {
                Chunk c = ranked.get(rank).chunk();
                chunks.putIfAbsent(c.id(), c);
                scores.merge(c.id(), 1.0 / (rrfK + rank + 1), Double::sum);
            }
        }
        List<RetrievedChunk> fused = new ArrayList<>(scores.size());
        scores.forEach((id, score) -> fused.add(new RetrievedChunk(chunks.get(id), score)));
        // Stable sort: on equal scores the first retriever's order wins.
        fused.sort((x, y) -> Double.compare(y.score(), x.score()));
        return List.copyOf(fused.subList(0, Math.min(k, fused.size())));
    }

    @Override
    public int size() {
        return retrievers.get(0).size();
    }

    @Override
    public String toString() {
        return "HybridRetriever[rrfK=" + rrfK + ", " + retrievers + "]";
    }
}
