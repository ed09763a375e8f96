package io.synapsekit.rag;

import java.util.Objects;

/**
 * A chunk found for a question, with the score that ranked it. Immutable.
 *
 * <p>Scores are comparable only within one retriever: BM25 scores are unbounded, cosine similarities lie in
 * [-1, 1], and hybrid scores are reciprocal-rank sums. Higher is more relevant.
 *
 * @param chunk the chunk
 * @param score its relevance to the question
 */
public record RetrievedChunk(Chunk chunk, double score) {

    public RetrievedChunk {
        Objects.requireNonNull(chunk, "chunk");
    }

    /** Returns the chunk's text. */
    public String text() {
        return chunk.text();
    }

    /** Returns the chunk's source. */
    public String source() {
        return chunk.source();
    }
}
