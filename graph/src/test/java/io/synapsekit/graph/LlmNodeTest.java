package io.synapsekit.graph;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.synapsekit.llm.GenerateOptions;
import io.synapsekit.llm.LLM;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link LlmNode} over MockWebServer: prompts, templates, options, and which nodes' tokens stream. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class LlmNodeTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final MockWebServer server = new MockWebServer();
    private LLM llm;

    @BeforeEach
    void start() throws Exception {
        server.start();
        llm = OpenAIStreams.llm(server);
    }

    @AfterEach
    void stop() throws Exception {
        Threads.awaitNoneOfOurs();
        server.close();
    }

    private JsonNode request() throws Exception {
        return JSON.readTree(server.takeRequest(5, TimeUnit.SECONDS).getBody().utf8());
    }

    private static CompiledGraph single(Node node) {
        return new StateGraph().addNode("n", node).setEntryPoint("n").setFinishPoint("n").compile();
    }

    @Test
    void defaultsReadInputAndWriteOutput() throws Exception {
        server.enqueue(OpenAIStreams.answer("Hi", "!"));
        assertThat(single(LlmNode.of(llm)).invoke(Map.of("input", "hello"))).containsEntry("output", "Hi!");
        assertThat(request().at("/messages/0/content").asText()).isEqualTo("hello");
    }

    @Test
    void templateSystemAndOptionsShapeTheRequest() throws Exception {
        server.enqueue(OpenAIStreams.answer("short"));
        LlmNode node = LlmNode.of(llm).promptTemplate("Summarise: {research} ({n} words)").outputKey("summary")
                .options(GenerateOptions.builder().temperature(0.25).build()).system("Be brief.");
        Map<String, Object> out = single(node).invoke(Map.of("research", "long text", "n", 3));
        assertThat(out).containsEntry("summary", "short");
        JsonNode body = request();
        assertThat(body.at("/messages/0/role").asText()).isEqualTo("system");
        assertThat(body.at("/messages/0/content").asText()).isEqualTo("Be brief.");
        assertThat(body.at("/messages/1/content").asText()).isEqualTo("Summarise: long text (3 words)");
        assertThat(body.at("/temperature").asDouble()).isEqualTo(0.25);
    }

    @Test
    void systemWinsOverTheOptionsSystemPromptAndAnEmptyOneSendsNone() throws Exception {
        GenerateOptions withSystem = GenerateOptions.system("From options.");
        server.enqueue(OpenAIStreams.answer("a"));
        single(LlmNode.of(llm).options(withSystem)).invoke(Map.of("input", "q"));
        assertThat(request().at("/messages/0/content").asText()).isEqualTo("From options.");

        server.enqueue(OpenAIStreams.answer("a"));
        single(LlmNode.of(llm).system("Set itself.").options(withSystem)).invoke(Map.of("input", "q"));
        JsonNode body = request();
        assertThat(body.at("/messages/0/content").asText()).isEqualTo("Set itself.");
        assertThat(body.at("/messages").size()).isEqualTo(2);

        server.enqueue(OpenAIStreams.answer("a"));
        single(LlmNode.of(llm).options(withSystem).system("")).invoke(Map.of("input", "q"));
        body = request();
        assertThat(body.at("/messages").size()).as("no system message, not an empty one").isEqualTo(1);
        assertThat(body.at("/messages/0/role").asText()).isEqualTo("user");
    }

    @Test
    void fluentMethodsReturnCopies() {
        LlmNode base = LlmNode.of(llm);
        LlmNode changed = base.promptKey("topic").outputKey("research");
        assertThat(base).hasToString("LlmNode[promptKey=input, outputKey=output]");
        assertThat(changed).hasToString("LlmNode[promptKey=topic, outputKey=research]");
    }

    @Test
    void aMissingPromptKeyFailsTheNodeNamingTheKey() {
        assertThatThrownBy(() -> single(LlmNode.of(llm).promptKey("topic")).invoke(Map.of("input", "x")))
                .isInstanceOf(NodeFailedException.class)
                .hasMessage("node 'n' failed: java.lang.IllegalArgumentException: the state has no value for "
                        + "promptKey 'topic'; keys: [input]");
        assertThatThrownBy(() -> single(LlmNode.of(llm).promptTemplate("{missing}")).invoke(Map.of("input", "x")))
                .isInstanceOf(NodeFailedException.class)
                .hasMessageEndingWith("template placeholder {missing} has no value in the state; keys: [input]");
    }

    @Test
    void aFailedRunKeepsTheTextTheLlmNodeStreamedBeforeFailing() {
        CompiledGraph g = new StateGraph().addNode("prep", s -> Map.of("input", "go"))
                .addNode("answer", LlmNode.of(llm)).addEdge("prep", "answer")
                .setEntryPoint("prep").setFinishPoint("answer").compile();

        server.enqueue(OpenAIStreams.truncated("Hel", "lo"));
        assertThatThrownBy(() -> g.invoke(Map.of())).isInstanceOfSatisfying(NodeFailedException.class, e -> {
            assertThat(e.node()).contains("answer");
            assertThat(e.partialText()).isEqualTo("Hello");
        });

        server.enqueue(OpenAIStreams.truncated("Hel", "lo"));
        try (Stream<GraphEvent> events = g.events(Map.of())) {
            GraphEvent last = events.reduce((a, b) -> b).orElseThrow();
            assertThat(last).isInstanceOfSatisfying(GraphEvent.Failed.class,
                    f -> assertThat(f.error().partialText()).isEqualTo("Hello"));
        }

        server.enqueue(OpenAIStreams.truncated("Hel", "lo"));
        java.util.List<String> read = new java.util.ArrayList<>();
        try (Stream<String> tokens = GraphStreams.streamTokens(g, Map.of())) {
            assertThatThrownBy(() -> tokens.forEach(read::add)).isInstanceOfSatisfying(GraphException.class,
                    e -> assertThat(e.partialText()).isEqualTo("Hello"));
        }
        assertThat(read).containsExactly("Hel", "lo");
    }

    @Test
    void partialTextIsFoundThroughANodesOwnWrappingAndIsEmptyWithoutAnLlm() {
        server.enqueue(OpenAIStreams.truncated("par", "tial"));
        Node wrapping = s -> {
            try {
                return Map.of("out", llm.generate("go"));
            } catch (RuntimeException e) {
                throw new java.io.IOException("lookup failed", new IllegalStateException("retry gave up", e));
            }
        };
        assertThatThrownBy(() -> single(wrapping).invoke(Map.of())).isInstanceOfSatisfying(GraphException.class,
                e -> assertThat(e.partialText()).isEqualTo("par" + "tial"));

        Node plain = s -> {
            throw new IllegalStateException("no LLM here");
        };
        assertThatThrownBy(() -> single(plain).invoke(Map.of())).isInstanceOfSatisfying(GraphException.class,
                e -> assertThat(e.partialText()).isEmpty());
    }

    @Test
    void insideATokenStreamTokensArriveLiveWhileTheAnswerIsStillComing() {
        java.util.concurrent.CountDownLatch resume = new java.util.concurrent.CountDownLatch(1);
        server.enqueue(OpenAIStreams.holdAfter("first", resume, " second"));
        try (Stream<String> s = GraphStreams.streamTokens(single(LlmNode.of(llm)), Map.of("input", "go"))) {
            java.util.Iterator<String> it = s.iterator();
            assertThat(it.next()).as("read while the server still holds the rest back").isEqualTo("first");
            resume.countDown();
            assertThat(it.next()).isEqualTo(" second");
            assertThat(it.hasNext()).isFalse();
        } finally {
            resume.countDown();
        }
    }

    private CompiledGraph researchThenSummarise() {
        return new StateGraph()
                .addNode("research", LlmNode.of(llm).promptKey("topic").outputKey("research"))
                .addNode("summarize", LlmNode.of(llm).promptKey("research").outputKey("summary"))
                .addEdge("research", "summarize").setEntryPoint("research").setFinishPoint("summarize").compile();
    }

    @Test
    void allAndChosenAndTaggedVariants() {
        CompiledGraph g = researchThenSummarise();
        server.enqueue(OpenAIStreams.answer("r1", "r2"));
        server.enqueue(OpenAIStreams.answer("s1"));
        try (Stream<String> s = GraphStreams.streamAllTokens(g, Map.of("topic", "t"))) {
            assertThat(s).containsExactly("r1", "r2", "s1");
        }
        server.enqueue(OpenAIStreams.answer("r1", "r2"));
        server.enqueue(OpenAIStreams.answer("s1"));
        try (Stream<String> s = GraphStreams.streamTokens(g, Map.of("topic", "t"), Set.of("research"))) {
            assertThat(s).containsExactly("r1", "r2");
        }
        server.enqueue(OpenAIStreams.answer("r1"));
        server.enqueue(OpenAIStreams.answer("s1", "s2"));
        try (Stream<GraphEvent.Token> s = GraphStreams.streamTaggedTokens(g, Map.of("topic", "t"))) {
            assertThat(s).containsExactly(new GraphEvent.Token("research", "r1"),
                    new GraphEvent.Token("summarize", "s1"), new GraphEvent.Token("summarize", "s2"));
        }
    }

    @Test
    void finalLlmNodesAreThoseReachingNoOtherLlmNode() {
        Node plain = s -> null;
        CompiledGraph chain = researchThenSummarise();
        assertThat(chain.finalLlmNodes()).containsExactly("summarize");

        CompiledGraph fan = new StateGraph().addNode("plan", LlmNode.of(llm)).addNode("a", LlmNode.of(llm))
                .addNode("b", LlmNode.of(llm)).addNode("tidy", plain)
                .addEdge("plan", "a").addEdge("plan", "b").addEdge("a", "tidy").addEdge("b", "tidy")
                .setEntryPoint("plan").setFinishPoint("tidy").compile();
        assertThat(fan.finalLlmNodes()).containsExactly("a", "b");

        CompiledGraph loop = new StateGraph().addNode("draft", LlmNode.of(llm)).addNode("critic", LlmNode.of(llm))
                .addEdge("draft", "critic").addConditionalEdges("critic", s -> StateGraph.END,
                        Map.of("again", "draft", "done", StateGraph.END))
                .setEntryPoint("draft").compile();
        assertThat(loop.finalLlmNodes()).as("each reaches the other: all of them").containsExactly("draft", "critic");

        CompiledGraph none = new StateGraph().addNode("x", plain).setEntryPoint("x").setFinishPoint("x").compile();
        assertThat(none.finalLlmNodes()).isEmpty();
        assertThat(List.copyOf(chain.finalLlmNodes())).hasSize(1);
    }
}
