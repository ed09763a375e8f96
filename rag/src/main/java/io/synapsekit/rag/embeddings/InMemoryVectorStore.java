package io.synapsekit.rag.embeddings;

import io.synapsekit.rag.Chunk;
import io.synapsekit.rag.RetrievedChunk;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * Chunks with their embedding vectors, searched by cosine similarity, in memory.
 *
 * <p>Vectors are stored unit-length, so a search is one dot product per chunk (an exact scan; fine for tens of
 * thousands of chunks, not an approximate index). Every vector must have the length of the first one.
 *
 * <p>Thread-safe: adds take a write lock, searches share a read lock.
 */
public final class InMemoryVectorStore {

    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private final List<Chunk> chunks = new ArrayList<>();
    private final Map<String, Integer> positions = new HashMap<>();
    private float[] vectors = new float[0];
    private int dimensions;

    /** Creates an empty store. */
    public InMemoryVectorStore() {
    }

    /**
     * Adds chunks with their vectors, all or none.
     *
     * @throws IllegalArgumentException when the lists differ in size, a vector's length differs from the
     *     store's, or a chunk id is already stored
     */
    public void add(List<Chunk> batch, List<float[]> batchVectors) {
        if (batch.size() != batchVectors.size()) {
            throw new IllegalArgumentException(
                    batch.size() + " chunks but " + batchVectors.size() + " vectors: one vector per chunk");
        }
        List<float[]> unit = new ArrayList<>(batchVectors.size());
        for (float[] v : batchVectors) {
            unit.add(unitLength(v));
        }
        lock.writeLock().lock();
        try {
            int dims = dimensions;
            java.util.Set<String> seen = new java.util.HashSet<>();
            for (int i = 0; i < batch.size(); i++) {
                float[] v = unit.get(i);
                if (dims == 0) {
                    dims = v.length;
                }
                if (v.length != dims) {
                    throw new IllegalArgumentException("vector of chunk " + batch.get(i).id() + " has " + v.length
                            + " dimensions; this store holds " + dims);
                }
                if (positions.containsKey(batch.get(i).id()) || !seen.add(batch.get(i).id())) {
                    throw new IllegalArgumentException("chunk id already stored: " + batch.get(i).id());
                }
            }
            dimensions = dims;
            int needed = (chunks.size() + batch.size()) * dims;
            if (needed > vectors.length) {
                vectors = Arrays.copyOf(vectors, Math.max(needed, vectors.length * 2));
            }
            for (int i = 0; i < batch.size(); i++) {
                int at = chunks.size();
                positions.put(batch.get(i).id(), at);
                chunks.add(batch.get(i));
                System.arraycopy(unit.get(i), 0, vectors, at * dims, dims);
            }
        } finally {
            lock.writeLock().unlock();
        }
    }

    /**
     * Returns the {@code k} chunks most similar to {@code query}, best first, with their cosine similarity.
     *
     * @throws IllegalArgumentException when {@code k} is not positive or the query's length is wrong
     */
    public List<RetrievedChunk> search(float[] query, int k) {
        if (k <= 0) {
            throw new IllegalArgumentException("k must be positive: " + k);
        }
        float[] q = unitLength(query);
        lock.readLock().lock();
        try {
            if (chunks.isEmpty()) {
                return List.of();
            }
            if (q.length != dimensions) {
                throw new IllegalArgumentException(
                        "query vector has " + q.length + " dimensions; this store holds " + dimensions);
            }
            double[] scores = new double[chunks.size()];
            PriorityQueue<Integer> best = new PriorityQueue<>(k + 1, (x, y) -> scores[x] != scores[y]
                    ? Double.compare(scores[x], scores[y]) : Integer.compare(y, x));
            for (int c = 0; c < chunks.size(); c++) {
                double dot = 0;
                int base = c * dimensions;
                for (int d = 0; d < dimensions; d++) {
                    dot += q[d] * vectors[base + d];
                }
                scores[c] = dot;
                best.add(c);
                if (best.size() > k) {
                    best.poll();
                }
            }
            RetrievedChunk[] out = new RetrievedChunk[best.size()];
            for (int i = out.length - 1; i >= 0; i--) {
                int c = best.poll();
                out[i] = new RetrievedChunk(chunks.get(c), scores[c]);
            }
            return List.of(out);
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Returns a copy of the stored (unit-length) vector of a chunk, if stored. */
    public Optional<float[]> vector(String chunkId) {
        lock.readLock().lock();
        try {
            Integer at = positions.get(chunkId);
            return at == null ? Optional.empty()
                    : Optional.of(Arrays.copyOfRange(vectors, at * dimensions, (at + 1) * dimensions));
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Returns the number of chunks stored. */
    public int size() {
        lock.readLock().lock();
        try {
            return chunks.size();
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Returns the length of the stored vectors; 0 while empty. */
    public int dimensions() {
        lock.readLock().lock();
        try {
            return dimensions;
        } finally {
            lock.readLock().unlock();
        }
    }

    @Override
    public String toString() {
        return "InMemoryVectorStore[chunks=" + size() + ", dimensions=" + dimensions() + "]";
    }

    private static float[] unitLength(float[] v) {
        if (v == null || v.length == 0) {
            throw new IllegalArgumentException("vector must not be empty");
        }
        double sum = 0;
        for (float x : v) {
            if (!Float.isFinite(x)) {
                throw new IllegalArgumentException("vector holds a value that is not finite: " + x);
            }
            sum += (double) x * x;
        }
        float[] out = v.clone();
        if (sum > 0) {
            double norm = Math.sqrt(sum);
            for (int i = 0; i < out.length; i++) {
                out[i] = (float) (out[i] / norm);
            }
        }
        return out;
    }
}
