package io.synapsekit.rag;

import io.synapsekit.rag.embeddings.Embeddings;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Test embeddings that know synonyms: each dimension is a concept, and a text's vector counts the words of each
 * concept it holds. So "automobile" and "car" are close, although BM25 sees no shared term. Counts its calls.
 */
final class ConceptEmbeddings implements Embeddings {

    static final Map<String, Integer> CONCEPTS = Map.ofEntries(
            Map.entry("car", 0), Map.entry("automobile", 0), Map.entry("vehicle", 0),
            Map.entry("cat", 1), Map.entry("feline", 1), Map.entry("kitten", 1),
            Map.entry("ocean", 2), Map.entry("sea", 2), Map.entry("marine", 2),
            Map.entry("music", 3), Map.entry("song", 3), Map.entry("melody", 3));

    final AtomicInteger calls = new AtomicInteger();
    final AtomicInteger texts = new AtomicInteger();

    @Override
    public List<float[]> embed(List<String> batch) {
        calls.incrementAndGet();
        texts.addAndGet(batch.size());
        return batch.stream().map(ConceptEmbeddings::vector).toList();
    }

    static float[] vector(String text) {
        float[] v = new float[5];
        v[4] = 0.01f; // never the zero vector
        for (String w : text.toLowerCase(Locale.ROOT).split("[^a-z]+")) {
            Integer d = CONCEPTS.get(w);
            if (d != null) {
                v[d] += 1;
            }
        }
        return v;
    }
}
