package io.synapsekit.graph;

import static io.synapsekit.graph.Threads.ordered;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.synapsekit.llm.LLM;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Sections 3 and 4 of the streaming guide, in Java, with the guide's expected output. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class StreamingGuideTest {

    private final MockWebServer server = new MockWebServer();

    @BeforeEach
    void start() throws Exception {
        server.start();
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
        Threads.awaitNoneOfOurs();
    }

    /** Section 3: one update per node execution, printed as the guide prints them. */
    @Test
    void section3NodeLevelStreaming() {
        StateGraph graph = new StateGraph();
        graph.addNode("fetch", state -> ordered("data", "fetched_results", "step", "fetch"));
        graph.addNode("process", state -> ordered("result", "processed: " + state.get("data"), "step", "process"));
        graph.addNode("format", state -> ordered("output", state.get("result").toString().toUpperCase(),
                "step", "format"));
        graph.addEdge("fetch", "process");
        graph.addEdge("process", "format");
        graph.setEntryPoint("fetch");
        graph.setFinishPoint("format");
        CompiledGraph compiled = graph.compile();

        List<String> printed;
        try (Stream<NodeUpdate> updates = compiled.stream(Map.of("input", "hello"))) {
            printed = updates.map(u -> "[" + u.node() + "] -> " + u.update()).toList();
        }
        assertThat(printed).containsExactly(
                "[fetch] -> {data=fetched_results, step=fetch}",
                "[process] -> {result=processed: fetched_results, step=process}",
                "[format] -> {output=PROCESSED: FETCHED_RESULTS, step=format}");
    }

    /** Section 4: tokens of the graph's LLM node, streamed as they arrive. */
    @Test
    void section4SingleLlmNode() throws Exception {
        server.enqueue(OpenAIStreams.answer("RAG", " (Retrieval", "-Augmented", " Generation)", " enhances"));
        LLM llm = OpenAIStreams.llm(server);
        StateGraph graph = new StateGraph();
        graph.addNode("generate", LlmNode.of(llm).promptKey("input"));
        graph.setEntryPoint("generate");
        graph.setFinishPoint("generate");
        CompiledGraph compiled = graph.compile();

        StringBuilder out = new StringBuilder("Streaming tokens from graph: ");
        try (Stream<String> tokens = GraphStreams.streamTokens(compiled, Map.of("input", "Explain RAG in one sentence"))) {
            tokens.forEach(out::append);
        }
        assertThat(out.toString())
                .isEqualTo("Streaming tokens from graph: RAG (Retrieval-Augmented Generation) enhances");
        RecordedRequest request = server.takeRequest(5, TimeUnit.SECONDS);
        assertThat(new ObjectMapper().readTree(request.getBody().utf8()).at("/messages/0/content").asText())
                .isEqualTo("Explain RAG in one sentence");
    }

    /** Section 4, multi-node: by default only the final LLM node's tokens reach the reader. */
    @Test
    void section4MultiNodeStreamsTheFinalNodeOnly() throws Exception {
        server.enqueue(OpenAIStreams.answer("Vector DBs ", "store embeddings."));
        server.enqueue(OpenAIStreams.answer("They ", "index ", "vectors."));
        LLM llm = OpenAIStreams.llm(server);
        StateGraph graph = new StateGraph();
        graph.addNode("research", LlmNode.of(llm).promptKey("topic").outputKey("research"));
        graph.addNode("summarize", LlmNode.of(llm).promptKey("research").outputKey("summary"));
        graph.addEdge("research", "summarize");
        graph.setEntryPoint("research");
        graph.setFinishPoint("summarize");
        CompiledGraph compiled = graph.compile();

        String streamed;
        try (Stream<String> tokens = GraphStreams.streamTokens(compiled, Map.of("topic", "vector databases"))) {
            streamed = tokens.collect(Collectors.joining("|"));
        }
        assertThat(streamed).isEqualTo("They |index |vectors.");
        ObjectMapper json = new ObjectMapper();
        String first = json.readTree(server.takeRequest(5, TimeUnit.SECONDS).getBody().utf8())
                .at("/messages/0/content").asText();
        String second = json.readTree(server.takeRequest(5, TimeUnit.SECONDS).getBody().utf8())
                .at("/messages/0/content").asText();
        assertThat(first).isEqualTo("vector databases");
        assertThat(second).as("the research answer is the summarizer's prompt").isEqualTo("Vector DBs store embeddings.");

        server.enqueue(OpenAIStreams.answer("A", "B"));
        server.enqueue(OpenAIStreams.answer("C"));
        assertThat(compiled.invoke(Map.of("topic", "x"))).containsEntry("research", "AB").containsEntry("summary", "C");
    }
}
