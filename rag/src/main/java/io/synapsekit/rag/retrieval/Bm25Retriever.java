package io.synapsekit.rag.retrieval;

import io.synapsekit.rag.Chunk;
import io.synapsekit.rag.RetrievedChunk;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.jspecify.annotations.Nullable;

/**
 * An in-memory Okapi BM25 index: the default retriever, needing no model and no network.
 *
 * <p>Each chunk is scored as the sum, over the query's distinct terms, of
 * {@code idf(t) * tf * (k1 + 1) / (tf + k1 * (1 - b + b * length / averageLength))}, with
 * {@code idf(t) = ln(1 + (N - df + 0.5) / (df + 0.5))}. Defaults {@code k1 = 1.2}, {@code b = 0.75}. Terms come
 * from a Unicode-aware tokenizer (NFKC, lower case in {@code Locale.ROOT}, letters and digits, CJK by
 * character). Chunks that share no term with the query, or score at most {@code minScore}, are not returned.
 *
 * <p>Queries read postings lists, so their cost grows with the number of chunks that contain a query term, not
 * with the size of the index.
 *
 * <p>Thread-safe: adds take a write lock after tokenising outside it; queries share a read lock.
 */
public final class Bm25Retriever implements Retriever {

    private final double k1;
    private final double b;
    private final double minScore;

    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private final List<Chunk> chunks = new ArrayList<>();
    private final Set<String> ids = new HashSet<>();
    private final Map<String, Postings> index = new HashMap<>();
    private int[] lengths = new int[64];
    private long totalLength;
    /** Each chunk's length normalisation, {@code k1 * (1 - b + b * length / averageLength)}, for one index size. */
    private volatile @Nullable Norms norms;

    private record Norms(int size, double[] values) {
    }

    /** Creates an empty index with the defaults: {@code k1 = 1.2}, {@code b = 0.75}, {@code minScore = 0}. */
    public Bm25Retriever() {
        this(builder());
    }

    private Bm25Retriever(Builder builder) {
        this.k1 = builder.k1;
        this.b = builder.b;
        this.minScore = builder.minScore;
    }

    /** Returns a builder for an index with other parameters. */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public void add(List<Chunk> batch) {
        List<Map<String, Integer>> termCounts = new ArrayList<>(batch.size());
        int[] batchLengths = new int[batch.size()];
        for (int i = 0; i < batch.size(); i++) {
            List<String> terms = Tokenizer.terms(batch.get(i).text());
            Map<String, Integer> counts = new HashMap<>();
            for (String t : terms) {
                counts.merge(t, 1, Integer::sum);
            }
            termCounts.add(counts);
            batchLengths[i] = terms.size();
        }
        lock.writeLock().lock();
        try {
            Set<String> batchIds = new HashSet<>();
            for (Chunk c : batch) {
                if (ids.contains(c.id()) || !batchIds.add(c.id())) {
                    throw new IllegalArgumentException("chunk id already indexed: " + c.id());
                }
            }
            for (int i = 0; i < batch.size(); i++) {
                int doc = chunks.size();
                chunks.add(batch.get(i));
                ids.add(batch.get(i).id());
                if (doc == lengths.length) {
                    lengths = Arrays.copyOf(lengths, lengths.length * 2);
                }
                lengths[doc] = batchLengths[i];
                totalLength += batchLengths[i];
                for (Map.Entry<String, Integer> e : termCounts.get(i).entrySet()) {
                    index.computeIfAbsent(e.getKey(), t -> new Postings()).add(doc, e.getValue());
                }
            }
        } finally {
            lock.writeLock().unlock();
        }
    }

    @Override
    public List<RetrievedChunk> retrieve(String query, int k) {
        if (k <= 0) {
            throw new IllegalArgumentException("k must be positive: " + k);
        }
        Set<String> terms = new LinkedHashSet<>(Tokenizer.terms(query));
        lock.readLock().lock();
        try {
            int n = chunks.size();
            if (n == 0 || terms.isEmpty()) {
                return List.of();
            }
            double averageLength = Math.max(1e-9, (double) totalLength / n);
            double[] norms = norms(n, averageLength);
            double[] scores = new double[n];
            boolean matched = false;
            for (String term : terms) {
                Postings p = index.get(term);
                if (p == null) {
                    continue;
                }
                matched = true;
                double idf = Math.log(1 + (n - p.size + 0.5) / (p.size + 0.5));
                double boost = idf * (k1 + 1);
                int[] docs = p.docs;
                int[] counts = p.counts;
                for (int i = 0; i < p.size; i++) {
                    int tf = counts[i];
                    scores[docs[i]] += boost * tf / (tf + norms[docs[i]]);
                }
            }
            if (!matched) {
                return List.of();
            }
            // Lowest score (then latest chunk) at the head, so the best k remain. A chunk enters the heap only
            // when it beats the worst kept, so a query with a common term does not churn the heap.
            PriorityQueue<Integer> best = new PriorityQueue<>(k + 1, (x, y) -> scores[x] != scores[y]
                    ? Double.compare(scores[x], scores[y]) : Integer.compare(y, x));
            double floor = minScore;
            for (int doc = 0; doc < n; doc++) {
                double score = scores[doc];
                if (score > floor) {
                    best.add(doc);
                    if (best.size() > k) {
                        best.poll();
                        floor = Math.max(minScore, scores[best.peek()]);
                    }
                }
            }
            RetrievedChunk[] out = new RetrievedChunk[best.size()];
            for (int i = out.length - 1; i >= 0; i--) {
                int doc = best.poll();
                out[i] = new RetrievedChunk(chunks.get(doc), scores[doc]);
            }
            return List.of(out);
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Returns the length normalisations for an index of {@code n} chunks; computed once per size. */
    private double[] norms(int n, double averageLength) {
        Norms cached = norms;
        if (cached != null && cached.size() == n) {
            return cached.values();
        }
        // Several readers may compute this at once after an add; each gets the same values, and one is kept.
        double[] values = new double[n];
        for (int doc = 0; doc < n; doc++) {
            values[doc] = k1 * (1 - b + b * lengths[doc] / averageLength);
        }
        norms = new Norms(n, values);
        return values;
    }

    @Override
    public int size() {
        lock.readLock().lock();
        try {
            return chunks.size();
        } finally {
            lock.readLock().unlock();
        }
    }

    @Override
    public String toString() {
        return "Bm25Retriever[k1=" + k1 + ", b=" + b + ", minScore=" + minScore + ", chunks=" + size() + "]";
    }

    /** The chunks that contain one term, with the term's count in each; grows by doubling. */
    private static final class Postings {
        int[] docs = new int[2];
        int[] counts = new int[2];
        int size;

        void add(int doc, int count) {
            if (size == docs.length) {
                docs = Arrays.copyOf(docs, size * 2);
                counts = Arrays.copyOf(counts, size * 2);
            }
            docs[size] = doc;
            counts[size] = count;
            size++;
        }
    }

    /** Sets BM25's parameters. Not thread-safe; {@link #build()} validates. */
    public static final class Builder {
        private double k1 = 1.2;
        private double b = 0.75;
        private double minScore = 0;

        private Builder() {
        }

        /** Sets term-frequency saturation; at least 0. Default 1.2. */
        public Builder k1(double k1) {
            this.k1 = k1;
            return this;
        }

        /** Sets length normalisation, from 0 (none) to 1 (full). Default 0.75. */
        public Builder b(double b) {
            this.b = b;
            return this;
        }

        /** Sets the score a chunk must exceed to be returned. Default 0: any shared term. */
        public Builder minScore(double minScore) {
            this.minScore = minScore;
            return this;
        }

        /**
         * Returns an empty index.
         *
         * @throws IllegalArgumentException naming the parameter out of range
         */
        public Bm25Retriever build() {
            if (!(k1 >= 0) || Double.isInfinite(k1)) {
                throw new IllegalArgumentException("k1 must be a finite number >= 0: " + k1);
            }
            if (!(b >= 0 && b <= 1)) {
                throw new IllegalArgumentException("b must be between 0 and 1: " + b);
            }
            if (Double.isNaN(minScore)) {
                throw new IllegalArgumentException("minScore must be a number: " + minScore);
            }
            return new Bm25Retriever(this);
        }
    }
}
