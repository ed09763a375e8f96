package io.synapsekit.opentelemetry;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.synapsekit.graph.CompiledGraph;
import io.synapsekit.graph.GraphStreams;
import io.synapsekit.graph.LlmNode;
import io.synapsekit.graph.StateGraph;
import io.synapsekit.llm.LLM;
import io.synapsekit.llm.openai.OpenAILLM;
import io.synapsekit.server.SseOutcome;
import io.synapsekit.server.SseResponse;
import io.synapsekit.server.SseSink;
import io.synapsekit.testing.OpenAIWire;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** One trace for a browser's request: served answer, graph run, node, model call, each the child of the one before. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ServedAnswerSpanTest {

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

    @Test
    void aServedAnswerIsTheParentOfTheGraphRunItsNodeAndTheModelCall() {
        server.enqueue(new MockResponse.Builder().setHeader("Content-Type", "text/event-stream")
                .body(OpenAIWire.answer("Hel", "lo")).build());
        LLM llm = OpenAILLM.builder().baseUrl(server.url("/v1").toString()).apiKey("sk-otel-served").model("m")
                .maxRetries(0).listener(telemetry.listener).build();
        CompiledGraph graph = new StateGraph().addNode("answer", LlmNode.of(llm).outputKey("text"))
                .addEdge("answer", StateGraph.END).setEntryPoint("answer").listener(telemetry.listener).compile();
        SseResponse sse = SseResponse.builder().listener(telemetry.listener).build();
        ByteArrayOutputStream body = new ByteArrayOutputStream();

        // The container's span of the browser's request, current on the request thread as an agent would make it.
        Span request = telemetry.sdk.getTracer("test").spanBuilder("GET /chat").setSpanKind(SpanKind.SERVER)
                .startSpan();
        SseOutcome outcome;
        try (Scope ignored = request.makeCurrent()) {
            outcome = sse.stream(SseSink.of((name, value) -> { }, () -> body),
                    () -> GraphStreams.sseStream(graph, Map.of("input", "hi")));
        } finally {
            request.end();
        }

        assertThat(outcome).isEqualTo(SseOutcome.COMPLETED);
        assertThat(body.toString(StandardCharsets.UTF_8)).contains("Hel").contains("[DONE]");
        SpanData served = telemetry.span("serve.sse stream");
        assertThat(served.getKind()).isEqualTo(SpanKind.INTERNAL);
        Telemetry.assertChildOf(served, telemetry.span("GET /chat"));
        SpanData run = telemetry.span("graph.run");
        Telemetry.assertChildOf(run, served);
        SpanData node = telemetry.span("graph.node answer");
        Telemetry.assertChildOf(node, run);
        SpanData chat = telemetry.span("chat m");
        assertThat(chat.getKind()).isEqualTo(SpanKind.CLIENT);
        Telemetry.assertChildOf(chat, node);
    }
}
