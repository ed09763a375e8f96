package io.synapsekit.rag.retrieval;

import static org.assertj.core.api.Assertions.assertThat;

import io.synapsekit.rag.Chunk;
import io.synapsekit.rag.RetrievedChunk;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Recall@3 of the default BM25 on a corpus written for this test (60 passages on unrelated topics, 32 questions
 * phrased as a person would ask them, each with the one passage that answers it).
 */
class RetrievalQualityTest {

    record Row(String key, String text) {
    }

    static List<Row> read(String name) throws IOException {
        try (InputStream in = RetrievalQualityTest.class.getResourceAsStream("/corpus/" + name)) {
            assertThat(in).as(name).isNotNull();
            List<Row> rows = new ArrayList<>();
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (!line.isBlank()) {
                    String[] parts = line.split("\t", 2);
                    rows.add(new Row(parts[0], parts[1]));
                }
            }
            return rows;
        }
    }

    @Test
    void bm25FindsTheAnsweringPassageInTheTopThreeForAtLeastNinetyPercentOfQuestions() throws IOException {
        List<Row> passages = read("passages.tsv");
        List<Row> questions = read("questions.tsv");
        assertThat(passages).hasSizeGreaterThanOrEqualTo(50);
        assertThat(questions).hasSizeGreaterThanOrEqualTo(20);
        assertThat(questions).allSatisfy(q -> assertThat(passages).extracting(Row::key).contains(q.key()));

        Bm25Retriever bm25 = new Bm25Retriever();
        bm25.add(passages.stream().map(p -> new Chunk(p.key(), p.key(), p.text(), Map.of())).toList());

        List<String> misses = new ArrayList<>();
        for (Row q : questions) {
            List<String> top3 = bm25.retrieve(q.text(), 3).stream().map(RetrievedChunk::chunk).map(Chunk::id).toList();
            if (!top3.contains(q.key())) {
                misses.add(q.text() + " -> " + top3 + " (wanted " + q.key() + ")");
            }
        }
        double recall = 1 - (double) misses.size() / questions.size();
        assertThat(recall).as("recall@3; misses: %s", misses).isGreaterThanOrEqualTo(0.9);
    }
}
