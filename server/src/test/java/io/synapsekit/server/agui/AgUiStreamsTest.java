package io.synapsekit.server.agui;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.synapsekit.graph.CompiledGraph;
import io.synapsekit.graph.GraphStreams;
import io.synapsekit.graph.Interrupt;
import io.synapsekit.graph.LlmNode;
import io.synapsekit.graph.MemoryCheckpointer;
import io.synapsekit.graph.StateGraph;
import io.synapsekit.llm.AuthenticationException;
import io.synapsekit.llm.LLM;
import io.synapsekit.llm.LLMEvent;
import io.synapsekit.rag.Chunk;
import io.synapsekit.rag.RAGEvent;
import io.synapsekit.rag.RetrievedChunk;
import io.synapsekit.server.AgentRuns;
import io.synapsekit.sse.SseEvent;
import io.synapsekit.stream.CloseableIterator;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** AgUiStreams: the AG-UI event sequences of an LLM answer, a RAG answer, a graph run and failures. */
class AgUiStreamsTest {

    private static final RunAgentInput INPUT = RunAgentInput.parse(
            "{\"threadId\":\"t1\",\"runId\":\"r1\",\"messages\":[{\"id\":\"u\",\"role\":\"user\",\"content\":\"hi\"}]}");

    @Test
    void anLlmAnswerWithThinkingTextAndAStreamedToolCall() {
        List<JsonNode> events = read(AgUiStreams.llm(INPUT, Stream.of(new LLMEvent.Thinking("hmm"),
                new LLMEvent.Thinking(", ok"), new LLMEvent.Token("Hel"), new LLMEvent.Token("lo \"wörld\"\n"),
                new LLMEvent.ToolCallDelta(0, "call_1", "weather", "{\"ci"),
                new LLMEvent.ToolCallDelta(0, null, null, "ty\":1}"),
                new LLMEvent.ToolCall(0, "call_1", "weather", "{\"city\":1}"), new LLMEvent.Finish("tool_calls"),
                new LLMEvent.Usage(3, 5))));

        assertThat(types(events)).containsExactly("RUN_STARTED", "REASONING_START", "REASONING_MESSAGE_START",
                "REASONING_MESSAGE_CONTENT", "REASONING_MESSAGE_CONTENT", "REASONING_MESSAGE_END", "REASONING_END",
                "TEXT_MESSAGE_START", "TEXT_MESSAGE_CONTENT", "TEXT_MESSAGE_CONTENT", "TEXT_MESSAGE_END",
                "TOOL_CALL_START", "TOOL_CALL_ARGS", "TOOL_CALL_ARGS", "TOOL_CALL_END", "RUN_FINISHED");
        assertThat(events.get(0).toString()).isEqualTo("{\"type\":\"RUN_STARTED\",\"threadId\":\"t1\",\"runId\":\"r1\"}");
        assertThat(events.get(2).get("role").asText()).isEqualTo("reasoning");
        assertThat(joined(events, "REASONING_MESSAGE_CONTENT", "delta")).isEqualTo("hmm, ok");
        JsonNode textStart = events.get(7);
        assertThat(textStart.get("role").asText()).isEqualTo("assistant");
        assertThat(joined(events, "TEXT_MESSAGE_CONTENT", "delta")).isEqualTo("Hello \"wörld\"\n");
        assertThat(events.get(8).get("messageId")).isEqualTo(textStart.get("messageId"));
        JsonNode toolStart = events.get(11);
        assertThat(toolStart.get("toolCallId").asText()).isEqualTo("call_1");
        assertThat(toolStart.get("toolCallName").asText()).isEqualTo("weather");
        assertThat(toolStart.get("parentMessageId")).isEqualTo(textStart.get("messageId"));
        assertThat(joined(events, "TOOL_CALL_ARGS", "delta")).isEqualTo("{\"city\":1}");
        assertThat(events.get(15).get("usage").toString())
                .isEqualTo("[{\"inputTokens\":3,\"outputTokens\":5,\"totalTokens\":8}]");
    }

    @Test
    void aRagAnswerSendsItsSourcesBeforeTheText() {
        Chunk chunk = new Chunk("c1", "d1", "SSE is one-way.", Map.of("source", "sse.md"));
        List<JsonNode> events = read(AgUiStreams.rag(INPUT, Stream.of(
                new RAGEvent.Sources(List.of(new RetrievedChunk(chunk, 1.5))), new RAGEvent.Token("One"),
                new RAGEvent.Token("-way."), new RAGEvent.Done("One-way.", "stop"))));

        assertThat(types(events)).containsExactly("RUN_STARTED", "CUSTOM", "TEXT_MESSAGE_START",
                "TEXT_MESSAGE_CONTENT", "TEXT_MESSAGE_CONTENT", "TEXT_MESSAGE_END", "RUN_FINISHED");
        assertThat(events.get(1).get("name").asText()).isEqualTo("sources");
        assertThat(events.get(1).at("/value/sources/0/text").asText()).isEqualTo("SSE is one-way.");
        assertThat(events.get(1).at("/value/sources/0/source").asText()).isEqualTo(chunk.source());
    }

    @Test
    void aGraphRunIsASnapshotThenAStepAndADeltaPerNode() {
        CompiledGraph graph = new StateGraph()
                .addNode("draft", state -> {
                    GraphStreams.emitToken("Dra");
                    GraphStreams.emitToken("ft");
                    return Map.of("draft", "Draft", "log", List.of("draft"));
                })
                .addNode("review", state -> Map.of("log", List.of("review"), "a/b~c", Map.of("ok", true)))
                .addEdge("draft", "review").reducer("log", StateGraph.appendToList())
                .setEntryPoint("draft").setFinishPoint("review").compile();
        Map<String, Object> initial = Map.of("input", "hi", "log", List.of());

        List<JsonNode> events = read(AgUiStreams.graph(INPUT, graph, initial));

        assertThat(types(events)).containsExactly("RUN_STARTED", "STATE_SNAPSHOT",
                "STEP_STARTED", "TEXT_MESSAGE_START", "TEXT_MESSAGE_CONTENT", "TEXT_MESSAGE_CONTENT",
                "TEXT_MESSAGE_END", "STATE_DELTA", "STEP_FINISHED",
                "STEP_STARTED", "STATE_DELTA", "STEP_FINISHED", "RUN_FINISHED");
        assertThat(events.get(2).get("stepName").asText()).isEqualTo("draft");
        assertThat(events.get(9).get("stepName").asText()).isEqualTo("review");
        assertThat(events.get(10).get("delta").toString()).contains("\"path\":\"/a~1b~0c\"")
                .contains("{\"op\":\"add\",\"path\":\"/log/1\",\"value\":\"review\"}");
        JsonNode state = events.get(1).get("snapshot").deepCopy();
        for (JsonNode e : events) {
            if (e.get("type").asText().equals("STATE_DELTA")) {
                state = JsonPatchTest.apply(state, (ArrayNode) e.get("delta"));
            }
        }
        assertThat(state).isEqualTo(AgUiJson.tree(graph.invoke(initial)));
    }

    @Test
    void aToolCallOfOneFanOutNodeLeavesTheOtherNodesMessageOpen() throws Exception {
        CountDownLatch bStarted = new CountDownLatch(1);
        CountDownLatch toolCallSeen = new CountDownLatch(1);
        LLM a = scripted(List.of(new LLMEvent.Token("a1"), new LLMEvent.ToolCall(0, "call_a", "f", "{}")),
                () -> await(bStarted), 0);
        LLM b = scripted(List.of(new LLMEvent.Token("b1"), new LLMEvent.Token("b2")), () -> {
            bStarted.countDown();
            await(toolCallSeen);
        }, 1);
        CompiledGraph graph = new StateGraph().addNode("start", state -> Map.of())
                .addNode("a", LlmNode.of(a).outputKey("a")).addNode("b", LlmNode.of(b).outputKey("b"))
                .addEdge("start", "a").addEdge("start", "b").setEntryPoint("start").compile();

        List<JsonNode> events = new ArrayList<>();
        try (Stream<SseEvent> s = AgUiStreams.graph(INPUT, graph, Map.of("input", "q"))) {
            s.forEach(e -> {
                JsonNode event = parse(e.data());
                events.add(event);
                if (event.get("type").asText().equals("TOOL_CALL_END")) {
                    toolCallSeen.countDown();
                }
            });
        }

        Map<String, String> textById = new java.util.LinkedHashMap<>();
        events.stream().filter(e -> e.get("type").asText().equals("TEXT_MESSAGE_CONTENT"))
                .forEach(e -> textById.merge(e.get("messageId").asText(), e.get("delta").asText(), String::concat));
        assertThat(textById.values()).containsExactlyInAnyOrder("a1", "b1b2");
        assertThat(types(events)).endsWith("RUN_FINISHED");
    }

    /** An LLM that sends {@code events}, running {@code pause} before the event at {@code pauseAt}. */
    private static LLM scripted(List<LLMEvent> events, Runnable pause, int pauseAt) {
        return (messages, options) -> new CloseableIterator<>() {
            int next;
            boolean paused;

            @Override
            public boolean hasNext() {
                if (next == pauseAt && !paused) {
                    paused = true;
                    pause.run();
                }
                return next < events.size();
            }

            @Override
            public LLMEvent next() {
                return events.get(next++);
            }

            @Override
            public void close() {
            }
        };
    }

    private static void await(CountDownLatch latch) {
        try {
            assertThat(latch.await(5, TimeUnit.SECONDS)).as("latch released").isTrue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    @Test
    void aFailedLlmEndsTheOpenTextThenSendsItsMessage() {
        Stream<LLMEvent> failing = Stream.concat(Stream.of(new LLMEvent.Token("partial")), Stream.generate(() -> {
            throw new AuthenticationException("openai", 401, "Incorrect API key provided", null);
        }));

        List<JsonNode> events = read(AgUiStreams.llm(INPUT, failing));

        assertThat(types(events)).containsExactly("RUN_STARTED", "TEXT_MESSAGE_START", "TEXT_MESSAGE_CONTENT",
                "TEXT_MESSAGE_END", "RUN_ERROR");
        assertThat(events.get(4).get("message").asText()).contains("openai").contains("401")
                .contains("Incorrect API key provided");
        assertThat(events.get(4).get("code").asText()).isEqualTo("authentication");
    }

    @Test
    void anApplicationFailureIsNotShown() {
        CompiledGraph graph = new StateGraph().addNode("lookup", state -> {
            throw new IllegalStateException("jdbc:postgresql://db/prod?password=hunter2");
        }).setEntryPoint("lookup").setFinishPoint("lookup").compile();

        List<JsonNode> events = read(AgUiStreams.graph(INPUT, graph, Map.of()));

        JsonNode error = events.get(events.size() - 1);
        assertThat(types(events)).containsExactly("RUN_STARTED", "STATE_SNAPSHOT", "STEP_STARTED", "RUN_ERROR");
        assertThat(error.get("message").asText()).isEqualTo("node 'lookup' failed");
        assertThat(error.toString()).doesNotContain("hunter2").doesNotContain("IllegalStateException")
                .doesNotContain("at io.");
    }

    @Test
    void anAgentNodesToolCallsStreamTheirArgumentsAndTheirResults() {
        List<JsonNode> events = read(AgUiStreams.graph(INPUT, AgentRuns.weatherLookup(), Map.of()));

        assertThat(types(events)).containsExactly("RUN_STARTED", "STATE_SNAPSHOT", "STEP_STARTED",
                "REASONING_START", "REASONING_MESSAGE_START", "REASONING_MESSAGE_CONTENT",
                "REASONING_MESSAGE_END", "REASONING_END",
                "TOOL_CALL_START", "TOOL_CALL_ARGS", "TOOL_CALL_ARGS", "TOOL_CALL_END",
                "TOOL_CALL_START", "TOOL_CALL_ARGS", "TOOL_CALL_END", "TOOL_CALL_RESULT", "TOOL_CALL_RESULT",
                "TEXT_MESSAGE_START", "TEXT_MESSAGE_CONTENT", "TEXT_MESSAGE_END", "STATE_DELTA", "STEP_FINISHED",
                "RUN_FINISHED");
        assertThat(joined(events, "TOOL_CALL_ARGS", "delta")).isEqualTo("{\"city\":\"Paris\"}{}");
        JsonNode result = events.get(15);
        assertThat(result.get("toolCallId").asText()).isEqualTo("call-1");
        assertThat(result.get("content").asText()).isEqualTo("{\"sky\":\"rain\"}");
        assertThat(events.get(16).get("toolCallId").asText()).isEqualTo("call-2");
        assertThat(result.get("messageId").asText()).isNotEqualTo(events.get(16).get("messageId").asText());
    }

    @Test
    void aPausedGraphRunSendsWhatItAsksAsACustomInterruptAndAsTheRunResult() {
        CompiledGraph graph = new StateGraph()
                .addNode("draft", state -> Map.of("draft", "v1"))
                .addNode("approve", state -> Map.of("approved", Interrupt.ask(Map.of("question", "Publish?"))))
                .addEdge("draft", "approve")
                .setEntryPoint("draft")
                .setFinishPoint("approve")
                .compile()
                .withCheckpointer(new MemoryCheckpointer());

        List<JsonNode> events = read(AgUiStreams.graph(INPUT, graph.events("t1", Map.of()), Map.of()));

        assertThat(types(events)).endsWith("STEP_STARTED", "CUSTOM", "RUN_FINISHED");
        JsonNode custom = events.get(events.size() - 2);
        assertThat(custom.get("name").asText()).isEqualTo("interrupt");
        assertThat(custom.at("/value/node").asText()).isEqualTo("approve");
        assertThat(custom.at("/value/payload/question").asText()).isEqualTo("Publish?");
        assertThat(events.get(events.size() - 1).get("result")).isEqualTo(custom.get("value"));
    }

    @Test
    void aFactoryFailureIsARunThatFailed() {
        List<JsonNode> events = read(AgUiStreams.failed(INPUT, new IllegalArgumentException("secret")));

        assertThat(types(events)).containsExactly("RUN_STARTED", "RUN_ERROR");
        assertThat(events.get(1).get("message").asText()).isEqualTo("the run failed");
    }

    @Test
    void closingTheStreamClosesTheSource() {
        AtomicBoolean closed = new AtomicBoolean();
        Stream<LLMEvent> source = Stream.generate(() -> (LLMEvent) new LLMEvent.Token("x")).onClose(() -> closed.set(true));

        try (Stream<SseEvent> s = AgUiStreams.llm(INPUT, source)) {
            assertThat(s.limit(5).count()).isEqualTo(5);
        }

        assertThat(closed).isTrue();
    }

    static List<JsonNode> read(Stream<SseEvent> stream) {
        List<JsonNode> out = new ArrayList<>();
        try (stream) {
            stream.forEach(e -> {
                assertThat(e.event()).isEqualTo("message");
                out.add(parse(e.data()));
            });
        }
        return out;
    }

    static JsonNode parse(String data) {
        try {
            return AgUiJson.MAPPER.readTree(data);
        } catch (Exception x) {
            throw new AssertionError("not JSON: " + data, x);
        }
    }

    static List<String> types(List<JsonNode> events) {
        return events.stream().map(e -> e.get("type").asText()).toList();
    }

    static String joined(List<JsonNode> events, String type, String field) {
        StringBuilder s = new StringBuilder();
        events.stream().filter(e -> e.get("type").asText().equals(type)).forEach(e -> s.append(e.get(field).asText()));
        return s.toString();
    }
}
