package io.synapsekit.rag.retrieval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.synapsekit.rag.Chunk;
import io.synapsekit.rag.RetrievedChunk;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class Bm25RetrieverTest {

    static Chunk chunk(String id, String text) {
        return new Chunk(id, id, text, Map.of());
    }

    static List<String> ids(List<RetrievedChunk> found) {
        return found.stream().map(c -> c.chunk().id()).toList();
    }

    @Test
    void scoresMatchTheOkapiFormulaComputedByHand() {
        Bm25Retriever bm25 = new Bm25Retriever();
        bm25.add(List.of(chunk("a", "apple banana apple"), chunk("b", "banana cherry"), chunk("c", "cherry date fig")));
        // N = 3, lengths 3, 2, 3, average 8/3. "apple": df 1 -> idf ln(1 + 2.5 / 1.5); in a with tf 2.
        double idf = Math.log(1 + (3 - 1 + 0.5) / (1 + 0.5));
        double norm = 1.2 * (1 - 0.75 + 0.75 * 3 / (8.0 / 3));
        double expected = idf * 2 * 2.2 / (2 + norm);

        List<RetrievedChunk> found = bm25.retrieve("apple", 5);

        assertThat(ids(found)).containsExactly("a");
        assertThat(found.get(0).score()).isCloseTo(expected, within(1e-9));
    }

    @Test
    void ranksByRelevanceAndLeavesOutChunksWithNoSharedTerm() {
        Bm25Retriever bm25 = new Bm25Retriever();
        bm25.add(List.of(chunk("cats", "Cats purr and sleep all day."), chunk("dogs", "Dogs bark at the mail carrier."),
                chunk("both", "Cats and dogs can live together.")));

        assertThat(ids(bm25.retrieve("dogs barking", 3))).containsExactly("dogs", "both");
        assertThat(bm25.retrieve("quantum chromodynamics", 3)).isEmpty();
        assertThat(bm25.retrieve("the and of", 3)).as("stopwords only").isEmpty();
        assertThat(ids(bm25.retrieve("cat", 1))).hasSize(1);
    }

    @Test
    void parametersChangeTheRankingAndAreValidated() {
        List<Chunk> chunks = List.of(chunk("short", "rust"),
                chunk("long", "rust rust rust and many other words about metals oxidation chemistry corrosion"));
        Bm25Retriever noLengthNorm = Bm25Retriever.builder().b(0).build();
        noLengthNorm.add(chunks);
        Bm25Retriever fullLengthNorm = Bm25Retriever.builder().b(1).k1(2).build();
        fullLengthNorm.add(chunks);

        assertThat(ids(noLengthNorm.retrieve("rust", 2)).get(0)).isEqualTo("long");
        assertThat(ids(fullLengthNorm.retrieve("rust", 2)).get(0)).isEqualTo("short");
        assertThat(Bm25Retriever.builder().minScore(100).build()).satisfies(r -> {
            r.add(chunks);
            assertThat(r.retrieve("rust", 2)).isEmpty();
        });
        assertThatThrownBy(() -> Bm25Retriever.builder().b(1.5).build()).hasMessageContaining("b must be between 0 and 1: 1.5");
        assertThatThrownBy(() -> Bm25Retriever.builder().k1(-1).build()).hasMessageContaining("k1");
        assertThatThrownBy(() -> new Bm25Retriever().retrieve("x", 0)).hasMessageContaining("k must be positive: 0");
    }

    @Test
    void tokenizerIsUnicodeAware() {
        assertThat(Tokenizer.terms("ＪＡＶＡ Straße ﬁle")).as("NFKC folds full-width letters and ligatures")
                .containsExactly("java", "straße", "file");
        assertThat(Tokenizer.terms("ISTANBUL İzmir")).containsExactly("istanbul", "i̇zmir");
        assertThat(Tokenizer.terms("東京タワー, Café-au-lait 42")).containsExactly("東", "京", "タ", "ワ", "ー", "café",
                "au", "lait", "42");
        assertThat(Tokenizer.terms("planets glass status")).containsExactly("planet", "glass", "status");

        Bm25Retriever bm25 = new Bm25Retriever();
        bm25.add(List.of(chunk("jp", "東京は日本の首都です。"), chunk("fr", "Le café est chaud.")));
        assertThat(ids(bm25.retrieve("首都", 2))).containsExactly("jp");
        assertThat(ids(bm25.retrieve("CAFÉ", 2))).containsExactly("fr");
    }

    @Test
    void refusesADuplicateIdAndAddsNothingOfThatBatch() {
        Bm25Retriever bm25 = new Bm25Retriever();
        bm25.add(List.of(chunk("a", "alpha")));

        assertThatThrownBy(() -> bm25.add(List.of(chunk("b", "beta"), chunk("a", "again"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("chunk id already indexed: a");
        assertThat(bm25.size()).isEqualTo(1);
        assertThat(bm25.retrieve("beta", 1)).isEmpty();
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void addingWhileOtherThreadsQueryIsSafeAndEveryBatchIsSeenWhole() throws Exception {
        Bm25Retriever bm25 = new Bm25Retriever();
        int writers = 8;
        int batches = 50;
        CountDownLatch go = new CountDownLatch(1);
        ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
        List<Thread> threads = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
            int writer = w;
            threads.add(Thread.ofVirtual().name("writer-" + w).start(() -> {
                try {
                    go.await();
                    for (int b = 0; b < batches; b++) {
                        // both chunks of a batch share a marker: a query sees two or none
                        String marker = "m" + writer + "x" + b;
                        bm25.add(List.of(chunk(marker + "-1", marker + " common"), chunk(marker + "-2", marker)));
                    }
                } catch (Throwable t) {
                    failures.add(t);
                }
            }));
            threads.add(Thread.ofVirtual().name("reader-" + w).start(() -> {
                try {
                    go.await();
                    for (int b = 0; b < batches; b++) {
                        int seen = bm25.retrieve("m" + writer + "x" + b, 10).size();
                        if (seen != 0 && seen != 2) {
                            throw new AssertionError("saw " + seen + " chunks of one batch");
                        }
                        bm25.retrieve("common", 5);
                    }
                } catch (Throwable t) {
                    failures.add(t);
                }
            }));
        }
        go.countDown();
        for (Thread t : threads) {
            assertThat(t.join(java.time.Duration.ofSeconds(30))).as(t.getName() + " finished").isTrue();
        }
        assertThat(failures).isEmpty();
        assertThat(bm25.size()).isEqualTo(writers * batches * 2);
        assertThat(bm25.retrieve("common", 1000)).hasSize(writers * batches);
    }
}
