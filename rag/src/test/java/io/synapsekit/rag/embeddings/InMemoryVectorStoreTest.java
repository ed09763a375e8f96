package io.synapsekit.rag.embeddings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.synapsekit.rag.Chunk;
import io.synapsekit.rag.RetrievedChunk;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class InMemoryVectorStoreTest {

    static Chunk chunk(String id) {
        return new Chunk(id, id, id, Map.of());
    }

    @Test
    void searchesByCosineSimilarityBestFirst() {
        InMemoryVectorStore store = new InMemoryVectorStore();
        store.add(List.of(chunk("x"), chunk("y"), chunk("xy")),
                List.of(new float[] {2, 0}, new float[] {0, 5}, new float[] {1, 1}));

        List<RetrievedChunk> found = store.search(new float[] {3, 0}, 2);

        assertThat(found).extracting(c -> c.chunk().id()).containsExactly("x", "xy");
        assertThat(found.get(0).score()).isCloseTo(1.0, within(1e-6));
        assertThat(found.get(1).score()).isCloseTo(Math.sqrt(0.5), within(1e-6));
        assertThat(store.vector("y")).hasValueSatisfying(v -> assertThat(v).containsExactly(0f, 1f));
        assertThat(store.dimensions()).isEqualTo(2);
    }

    @Test
    void refusesMismatchedInputAllOrNothing() {
        InMemoryVectorStore store = new InMemoryVectorStore();
        store.add(List.of(chunk("a")), List.of(new float[] {1, 0}));

        assertThatThrownBy(() -> store.add(List.of(chunk("b")), List.of(new float[] {1, 0, 0})))
                .hasMessageContaining("vector of chunk b has 3 dimensions; this store holds 2");
        assertThatThrownBy(() -> store.add(List.of(chunk("c"), chunk("c")), List.of(new float[] {1, 0}, new float[] {0, 1})))
                .hasMessageContaining("chunk id already stored: c");
        assertThatThrownBy(() -> store.add(List.of(chunk("d")), List.of())).hasMessageContaining("one vector per chunk");
        assertThatThrownBy(() -> store.add(List.of(chunk("e")), List.of(new float[] {Float.NaN, 1})))
                .hasMessageContaining("not finite");
        assertThatThrownBy(() -> store.search(new float[] {1}, 1)).hasMessageContaining("query vector has 1 dimensions");
        assertThat(store.size()).isEqualTo(1);
    }
}
