package io.synapsekit.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** Every guide section runs against the offline demo model and prints what the guide's expected output shows. */
class SectionsTest {

    private static final Demo demo = Demo.offline();

    @AfterAll
    static void stopServer() {
        Demo.shutdown();
    }

    private static String capture(Consumer<PrintStream> section) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
            section.accept(out);
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void section1StreamsCollectsAndUsesTheSystemPrompt() {
        String out = capture(o -> Section1TokenStreaming.run(demo.model(), o));
        assertThat(out).contains("Retrieval-Augmented Generation (RAG) is a technique that combines a retrieval "
                + "system with a language model")
                .contains("A vector database stores data as embeddings")
                .containsPattern("\\(collected \\d+ characters\\)")
                .contains("Quantum computing uses quantum bits (qubits)");
        // "Be concise" in the system prompt reached the model: one sentence only.
        assertThat(out).doesNotContain("Entangled qubits");
    }

    @Test
    void section1CollectedTextEqualsWhatWasPrinted() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        String whole;
        try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
            whole = Section1TokenStreaming.streamAndCollect(demo.model(), "What is a vector database?", out);
        }
        assertThat(bytes.toString(StandardCharsets.UTF_8)).isEqualTo(whole + System.lineSeparator());
        assertThat(whole).startsWith("A vector database");
    }

    @Test
    void section2AnswersFromTheAddedDocuments() {
        String out = capture(o -> Section2Rag.run(demo.model(), o));
        // BM25 retrieves the one passage that shares words with the question; the model answers from it alone.
        assertThat(out).isEqualTo("Answer: SynapseKit supports streaming by default across all LLM providers."
                + System.lineSeparator());
    }

    @Test
    void section8CountsTheTokensTheServerStreamed() {
        long before = Demo.offlineServer().tokensSent();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int counted;
        try (PrintStream o = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
            counted = Section8ProgressCallback.run(demo.model(), o);
        }
        long sent = Demo.offlineServer().tokensSent() - before;
        assertThat(counted).isEqualTo(sent).isGreaterThan(5);
        assertThat(bytes.toString(StandardCharsets.UTF_8))
                .startsWith("SynapseKit is a Java library for building LLM applications.")
                .endsWith("Total tokens streamed: " + sent + System.lineSeparator());
    }

    @Test
    void section3PrintsTheGuidesThreeLines() {
        String out = capture(Section3GraphUpdates::run);
        assertThat(out.lines()).containsExactly(
                "[fetch] -> {data=fetched_results, step=fetch}",
                "[process] -> {result=processed: fetched_results, step=process}",
                "[format] -> {output=PROCESSED: FETCHED_RESULTS, step=format}");
    }

    @Test
    void section4StreamsTheSingleNodeAndOnlyTheFinalNodeOfTwo() {
        String out = capture(o -> Section4GraphTokens.run(demo.model(), o));
        List<String> lines = out.lines().toList();
        assertThat(lines.get(0)).isEqualTo("Streaming tokens from graph: RAG (Retrieval-Augmented Generation) "
                + "enhances LLM responses by first retrieving relevant documents from a knowledge base and "
                + "injecting them into the prompt.");
        // The research node's answer is not streamed; the summary of it is.
        assertThat(lines.get(2)).isEqualTo("In short: A vector database stores data as embeddings, long lists "
                + "of numbers that capture meaning, and finds the stored vectors nearest to a query vector.");
        assertThat(out).doesNotContain("power semantic search");
    }

    @Test
    void section9KeepsThePartialTextOfAnInterruptedStream() {
        String out = capture(o -> Section9Gotchas.run(demo, o));
        assertThat(out).containsPattern("generate\\(\\) buffers, by name: \\d+ characters arrived at once")
                .contains("Stream interrupted: openai: stream ended before")
                .contains("Partial result kept: \"Retrieval-Augmented Generation (RAG) is a\"");
    }

    @Test
    void theTourRunsEverySectionInOrder() {
        String out = capture(o -> DemoTour.run(demo, o));
        assertThat(out).contains("Model: the offline demo model");
        assertThat(out.indexOf("== 1.")).isPositive().isLessThan(out.indexOf("== 2."));
        assertThat(out.indexOf("== 2.")).isLessThan(out.indexOf("== 3."));
        assertThat(out.indexOf("== 3.")).isLessThan(out.indexOf("== 4."));
        assertThat(out.indexOf("== 4.")).isLessThan(out.indexOf("== 8."));
        assertThat(out.indexOf("== 8.")).isLessThan(out.indexOf("== 9."));
        assertThat(out).contains("Partial result kept:");
    }

    @Test
    void section5ServesTheGraphAsSseFromTheJdkHttpServer() {
        String out = capture(o -> Section5Sse.run(demo.model(), o));
        List<String> lines = out.lines().toList();
        assertThat(lines.get(1)).startsWith("< 200 Content-Type: text/event-stream");
        List<String> data = lines.subList(2, lines.size());
        assertThat(data).allSatisfy(l -> assertThat(l).startsWith("data: "));
        assertThat(data.get(0)).startsWith("data: Retr");
        assertThat(data.get(data.size() - 1)).isEqualTo("data: [DONE]");
        StringBuilder text = new StringBuilder();
        data.subList(0, data.size() - 1).forEach(l -> text.append(l.substring("data: ".length())));
        assertThat(text.toString()).startsWith("Retrieval-Augmented Generation (RAG) is a technique");
    }

    @Test
    void section6StreamsOverBothWebSocketProtocols() {
        String out = capture(o -> {
            try {
                Section6WebSocket.run(demo.model(), o);
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
        List<String> lines = out.lines().toList();
        assertThat(lines.get(1)).startsWith("Retrieval-Augmented Generation (RAG) is a technique");
        assertThat(lines.get(2)).isEqualTo("[DONE]");
        assertThat(lines.get(4)).isEqualTo("{\"type\":\"token\",\"content\":\"A\",\"session_id\":\"demo\"}");
        assertThat(lines.get(lines.size() - 1)).isEqualTo("{\"type\":\"done\",\"session_id\":\"demo\"}");
    }
}
