package io.synapsekit.rag.retrieval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.synapsekit.rag.Chunk;
import io.synapsekit.rag.RetrievedChunk;
import io.synapsekit.rag.embeddings.InMemoryVectorStore;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HybridRetrieverTest {

    /** A retriever that returns a fixed ranking, to check the fusion arithmetic alone. */
    record Fixed(List<String> ranking) implements Retriever {
        @Override
        public void add(List<Chunk> chunks) {
        }

        @Override
        public List<RetrievedChunk> retrieve(String query, int k) {
            return ranking.stream().limit(k).map(id -> new RetrievedChunk(new Chunk(id, id, id, Map.of()), 1)).toList();
        }

        @Override
        public int size() {
            return ranking.size();
        }
    }

    @Test
    void fusesRankingsByReciprocalRank() {
        HybridRetriever hybrid = new HybridRetriever(new Fixed(List.of("a", "b", "c")), new Fixed(List.of("c", "d", "a")));

        List<RetrievedChunk> fused = hybrid.retrieve("q", 4);

        // a: 1/61 + 1/63; c: 1/63 + 1/61; b: 1/62; d: 1/62. Ties keep the first retriever's order.
        assertThat(fused).extracting(c -> c.chunk().id()).containsExactly("a", "c", "b", "d");
        assertThat(fused.get(0).score()).isCloseTo(1.0 / 61 + 1.0 / 63, within(1e-12));
        assertThat(fused.get(2).score()).isCloseTo(1.0 / 62, within(1e-12));
        assertThat(hybrid.retrieve("q", 1)).hasSize(1);
        assertThatThrownBy(() -> new HybridRetriever(List.of(), 60)).hasMessageContaining("at least one retriever");
    }

    @Test
    void vectorsFindASynonymThatBm25MissesAndBothCountInTheFusion() {
        Bm25Retriever bm25 = new Bm25Retriever();
        VectorRetriever vectors = new VectorRetriever(new TestConcepts(), new InMemoryVectorStore(), 0);
        HybridRetriever hybrid = new HybridRetriever(bm25, vectors);
        hybrid.add(List.of(
                new Chunk("auto", "auto", "The automobile was parked outside.", Map.of()),
                new Chunk("cat", "cat", "A feline slept on the car roof.", Map.of()),
                new Chunk("sea", "sea", "Marine life fills the ocean.", Map.of())));

        assertThat(bm25.retrieve("car", 3)).extracting(c -> c.chunk().id()).containsExactly("cat");
        assertThat(vectors.retrieve("car", 3)).extracting(c -> c.chunk().id()).startsWith("auto");
        assertThat(hybrid.retrieve("car", 2)).extracting(c -> c.chunk().id()).containsExactlyInAnyOrder("auto", "cat");
        assertThat(hybrid.size()).isEqualTo(3);
    }

    /** Concept vectors, as in the rag package's test embeddings. */
    static final class TestConcepts implements io.synapsekit.rag.embeddings.Embeddings {
        @Override
        public List<float[]> embed(List<String> texts) {
            return texts.stream().map(t -> {
                float[] v = new float[3];
                String s = t.toLowerCase(java.util.Locale.ROOT);
                v[0] = s.contains("car") || s.contains("automobile") ? 1 : 0;
                v[1] = s.contains("feline") || s.contains("cat") ? 1 : 0;
                v[2] = s.contains("ocean") || s.contains("marine") ? 1 : 0;
                return v;
            }).toList();
        }
    }
}
