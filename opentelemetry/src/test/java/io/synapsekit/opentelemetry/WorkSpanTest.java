package io.synapsekit.opentelemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.synapsekit.agent.Agent;
import io.synapsekit.graph.CompiledGraph;
import io.synapsekit.graph.GraphException;
import io.synapsekit.graph.LlmNode;
import io.synapsekit.graph.NodeUpdate;
import io.synapsekit.graph.StateGraph;
import io.synapsekit.llm.LLM;
import io.synapsekit.llm.openai.OpenAILLM;
import io.synapsekit.rag.RAG;
import io.synapsekit.testing.OpenAIWire;
import io.synapsekit.tool.Tool;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Graph runs, graph nodes and RAG retrievals as spans: each under the span current where the work started, with the
 * LLM calls inside them as children, across the hand-over to a graph's virtual threads.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class WorkSpanTest {

    private final MockWebServer server = new MockWebServer();
    private final Telemetry telemetry = new Telemetry();

    @BeforeEach
    void start() throws IOException {
        server.start();
    }

    @AfterEach
    void stop() {
        server.close();
        telemetry.close();
    }

    private LLM llm() {
        return OpenAILLM.builder().baseUrl(server.url("/v1").toString()).apiKey("sk-otel-graph").model("m")
                .maxRetries(0).listener(telemetry.listener).build();
    }

    private void answer(String... tokens) {
        server.enqueue(new MockResponse.Builder().setHeader("Content-Type", "text/event-stream")
                .body(OpenAIWire.answer(tokens)).build());
    }

    @Test
    void aStreamedRunsNodesAndTheirCallsAreChildrenAcrossTheBridgeAndTheFanOutThreads() {
        answer("left");
        answer("right");
        LLM llm = llm();
        CompiledGraph graph = new StateGraph()
                .addNode("split", s -> Map.of("input", "go"))
                .addNode("left", LlmNode.of(llm).outputKey("l"))
                .addNode("right", LlmNode.of(llm).outputKey("r"))
                .addEdge("split", "left").addEdge("split", "right")
                .addEdge("left", StateGraph.END).addEdge("right", StateGraph.END)
                .setEntryPoint("split").listener(telemetry.listener).compile();

        Span request = telemetry.sdk.getTracer("test").spanBuilder("request").startSpan();
        List<NodeUpdate> updates;
        try (Scope ignored = request.makeCurrent(); Stream<NodeUpdate> s = graph.stream(Map.of())) {
            updates = s.toList();
        } finally {
            request.end();
        }
        assertThat(updates).extracting(NodeUpdate::node).containsExactlyInAnyOrder("split", "left", "right");

        SpanData root = telemetry.span("request");
        SpanData run = telemetry.span("graph.run");
        Telemetry.assertChildOf(run, root);
        for (String node : List.of("split", "left", "right")) {
            SpanData span = telemetry.span("graph.node " + node);
            Telemetry.assertChildOf(span, run);
            assertThat(span.getAttributes().get(AttributeKey.stringKey("synapsekit.work.name"))).isEqualTo(node);
        }
        List<SpanData> calls = telemetry.spans.getFinishedSpanItems().stream()
                .filter(s -> s.getName().equals("chat m")).toList();
        assertThat(calls).hasSize(2);
        SpanData left = telemetry.span("graph.node left");
        SpanData right = telemetry.span("graph.node right");
        assertThat(calls).allSatisfy(c -> assertThat(c.getParentSpanId()).isIn(left.getSpanId(), right.getSpanId()));
        assertThat(calls).extracting(SpanData::getParentSpanId).doesNotHaveDuplicates();
        assertThat(calls).allSatisfy(c -> assertThat(c.getTraceId()).isEqualTo(root.getTraceId()));
    }

    record City(String city) {}

    @Test
    void anAgentsToolCallsAreExecuteToolSpansUnderTheRunBesideItsModelCalls() {
        server.enqueue(new MockResponse.Builder().setHeader("Content-Type", "text/event-stream")
                .body(OpenAIWire.role() + OpenAIWire.chunk("{\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":"
                        + "[{\"index\":0,\"id\":\"c1\",\"type\":\"function\",\"function\":{\"name\":\"get_weather\","
                        + "\"arguments\":\"{\\\"city\\\":\\\"Oslo\\\"}\"}}]},\"finish_reason\":null}]}")
                        + OpenAIWire.finish("tool_calls") + OpenAIWire.done()).build());
        answer("Sunny.");
        Tool weather = Tool.of("get_weather", "Weather in a city", City.class, c -> "{\"sky\":\"sunny\"}");
        Agent agent = Agent.builder(llm()).tools(weather).listener(telemetry.listener).build();

        Span request = telemetry.sdk.getTracer("test").spanBuilder("request").startSpan();
        try (Scope ignored = request.makeCurrent(); Stream<String> s = agent.stream("Oslo?")) {
            assertThat(s.toList()).containsExactly("Sunny.");
        } finally {
            request.end();
        }

        SpanData run = telemetry.span("invoke_agent");
        Telemetry.assertChildOf(run, telemetry.span("request"));
        SpanData tool = telemetry.span("execute_tool get_weather");
        Telemetry.assertChildOf(tool, run);
        assertThat(tool.getAttributes().get(AttributeKey.stringKey("gen_ai.tool.name"))).isEqualTo("get_weather");
        assertThat(tool.getAttributes().get(AttributeKey.stringKey("gen_ai.operation.name")))
                .isEqualTo("execute_tool");
        assertThat(tool.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
        List<SpanData> calls = telemetry.spans.getFinishedSpanItems().stream()
                .filter(s -> s.getName().equals("chat m")).toList();
        assertThat(calls).hasSize(2).allSatisfy(c -> Telemetry.assertChildOf(c, run));
    }

    @Test
    void anInvokedRunIsUnderTheCallersSpanAndAFailedNodeEndsInError() {
        CompiledGraph graph = new StateGraph()
                .addNode("ok", s -> Map.of("x", 1))
                .addNode("boom", s -> {
                    throw new IllegalStateException("node failed on purpose");
                })
                .addEdge("ok", "boom").addEdge("boom", StateGraph.END)
                .setEntryPoint("ok").listener(telemetry.listener).compile();

        Span request = telemetry.sdk.getTracer("test").spanBuilder("request").startSpan();
        try (Scope ignored = request.makeCurrent()) {
            assertThatThrownBy(() -> graph.invoke(Map.of())).isInstanceOf(GraphException.class);
        } finally {
            request.end();
        }

        SpanData run = telemetry.span("graph.run");
        Telemetry.assertChildOf(run, telemetry.span("request"));
        Telemetry.assertChildOf(telemetry.span("graph.node ok"), run);
        SpanData boom = telemetry.span("graph.node boom");
        Telemetry.assertChildOf(boom, run);
        assertThat(telemetry.span("graph.node ok").getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
        assertThat(boom.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
        assertThat(boom.getAttributes().get(AttributeKey.stringKey("error.type"))).contains("NodeFailedException");
        assertThat(run.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    }

    @Test
    void aRagRetrievalIsASpanBesideTheAnswersCall() {
        answer("Blue", ".");
        RAG rag = RAG.builder(llm()).listener(telemetry.listener).build();
        rag.add("The sky is blue because of Rayleigh scattering.");

        Span request = telemetry.sdk.getTracer("test").spanBuilder("request").startSpan();
        try (Scope ignored = request.makeCurrent()) {
            assertThat(rag.ask("Why is the sky blue?")).isEqualTo("Blue.");
        } finally {
            request.end();
        }

        SpanData root = telemetry.span("request");
        SpanData retrieval = telemetry.span("retrieval Bm25Retriever");
        Telemetry.assertChildOf(retrieval, root);
        assertThat(retrieval.getAttributes().get(AttributeKey.stringKey("synapsekit.work.kind")))
                .isEqualTo("retrieval");
        Telemetry.assertChildOf(telemetry.span("chat m"), root);
    }

    @Test
    void aToolCallIsAnExecuteToolSpanUnderTheCurrentOne() {
        Span request = telemetry.sdk.getTracer("test").spanBuilder("request").startSpan();
        try (Scope ignored = request.makeCurrent()) {
            io.synapsekit.observe.WorkListener tool = telemetry.listener.workStarted(
                    new io.synapsekit.observe.Work(io.synapsekit.observe.Work.TOOL_CALL, "weather"));
            tool.finished(null);
        } finally {
            request.end();
        }
        SpanData tool = telemetry.span("execute_tool weather");
        Telemetry.assertChildOf(tool, telemetry.span("request"));
        assertThat(tool.getAttributes().get(AttributeKey.stringKey("gen_ai.operation.name"))).isEqualTo("execute_tool");
        assertThat(tool.getAttributes().get(AttributeKey.stringKey("gen_ai.tool.name"))).isEqualTo("weather");
    }
}
