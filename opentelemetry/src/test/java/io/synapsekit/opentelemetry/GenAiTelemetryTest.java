package io.synapsekit.opentelemetry;

import static io.synapsekit.opentelemetry.GenAiAttributes.ERROR_TYPE;
import static io.synapsekit.opentelemetry.GenAiAttributes.TOKEN_TYPE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.metrics.data.HistogramPointData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.synapsekit.llm.GenerateOptions;
import io.synapsekit.llm.LLM;
import io.synapsekit.llm.LLMStream;
import io.synapsekit.llm.TruncatedStreamException;
import io.synapsekit.llm.openai.OpenAILLM;
import io.synapsekit.observe.LLMListener;
import io.synapsekit.testing.OpenAIWire;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockResponseBody;
import mockwebserver3.MockWebServer;
import mockwebserver3.SocketEffect;
import okio.BufferedSink;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * LLM calls as OpenTelemetry sees them, against a loopback mock OpenAI server through the JDK transport, recorded by
 * the SDK's in-memory exporters.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class GenAiTelemetryTest {

    private static final String MODEL = "gpt-test";
    private static final double TWO_MS = 0.002;
    private static final int WARM_UP = 100;
    private static final int MEASURED = 9;

    private final MockWebServer server = new MockWebServer();
    private final WireTimingTransport transport = new WireTimingTransport();
    private final Telemetry telemetry = new Telemetry();

    @BeforeEach
    void start() throws IOException {
        server.start();
    }

    @AfterEach
    void stop() {
        server.close();
        transport.close();
        telemetry.close();
    }

    private LLM llm(LLMListener listener) {
        return OpenAILLM.builder().baseUrl(server.url("/v1").toString()).apiKey("sk-otel-test").model(MODEL)
                .maxRetries(0).transport(transport).listener(listener).build();
    }

    private static MockResponse sse(String body) {
        return new MockResponse.Builder().setHeader("Content-Type", "text/event-stream").body(body).build();
    }

    @Test
    void everyGapBetweenChunksIsRecordedAcrossBatchesAndAtTheEnd() {
        int chunks = 600; // two full batches of gaps and a part of one, recorded at the end
        server.enqueue(sse(OpenAIWire.answer(java.util.Collections.nCopies(chunks, "t"))));
        try (java.util.stream.Stream<String> s = llm(telemetry.listener).stream("hi")) {
            assertThat(s.count()).isEqualTo(chunks);
        }

        assertThat(telemetry.histogram("gen_ai.client.operation.time_per_output_chunk")).singleElement()
                .satisfies(p -> assertThat(p.getCount()).as("one per chunk after the first").isEqualTo(chunks - 1));
    }

    @Test
    void aCallIsAClientSpanWithTheGenAiAttributesAndItsMetrics() {
        server.enqueue(sse(OpenAIWire.answer("Hel", "lo", "!")));
        GenerateOptions options = GenerateOptions.builder().temperature(0.25).topP(0.5).maxTokens(64).stop("END")
                .build();
        assertThat(llm(telemetry.listener).generate("hi", options)).isEqualTo("Hello!");

        SpanData span = telemetry.span("chat " + MODEL);
        assertThat(span.getKind()).isEqualTo(SpanKind.CLIENT);
        Attributes a = span.getAttributes();
        assertThat(a.get(AttributeKey.stringKey("gen_ai.operation.name"))).isEqualTo("chat");
        assertThat(a.get(AttributeKey.stringKey("gen_ai.provider.name"))).isEqualTo("openai");
        assertThat(a.get(AttributeKey.stringKey("gen_ai.request.model"))).isEqualTo(MODEL);
        assertThat(a.get(AttributeKey.doubleKey("gen_ai.request.temperature"))).isEqualTo(0.25);
        assertThat(a.get(AttributeKey.doubleKey("gen_ai.request.top_p"))).isEqualTo(0.5);
        assertThat(a.get(AttributeKey.longKey("gen_ai.request.max_tokens"))).isEqualTo(64L);
        assertThat(a.get(AttributeKey.stringArrayKey("gen_ai.request.stop_sequences"))).containsExactly("END");
        assertThat(a.get(AttributeKey.stringKey("server.address"))).isEqualTo(server.getHostName());
        assertThat(a.get(AttributeKey.longKey("server.port"))).isEqualTo((long) server.getPort());
        assertThat(a.get(AttributeKey.longKey("gen_ai.usage.input_tokens"))).isEqualTo(9L);
        assertThat(a.get(AttributeKey.longKey("gen_ai.usage.output_tokens"))).isEqualTo(3L);
        assertThat(a.get(AttributeKey.stringArrayKey("gen_ai.response.finish_reasons"))).containsExactly("stop");
        assertThat(a.get(ERROR_TYPE)).isNull();
        assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);

        assertThat(telemetry.histogram("gen_ai.client.operation.duration")).singleElement()
                .satisfies(p -> assertThat(p.getCount()).isEqualTo(1));
        assertThat(telemetry.histogram("gen_ai.client.operation.time_to_first_chunk")).singleElement()
                .satisfies(p -> assertThat(p.getCount()).isEqualTo(1));
        assertThat(telemetry.histogram("gen_ai.client.operation.time_per_output_chunk")).singleElement()
                .satisfies(p -> assertThat(p.getCount()).as("one per chunk after the first").isEqualTo(2));
        assertThat(telemetry.point("gen_ai.client.token.usage", TOKEN_TYPE, "input")).hasValueSatisfying(p -> {
            assertThat(p.getSum()).isEqualTo(9);
            assertThat(p.getAttributes().get(AttributeKey.stringKey("gen_ai.provider.name"))).isEqualTo("openai");
        });
        assertThat(telemetry.point("gen_ai.client.token.usage", TOKEN_TYPE, "output"))
                .hasValueSatisfying(p -> assertThat(p.getSum()).isEqualTo(3));
    }

    @Test
    void timeToFirstChunkIsWithinTwoMillisecondsOfTheTransportsFirstContentRead() throws Exception {
        // Warm up the pipeline (class loading, the interpreter's first runs of encoding and decoding), so that the
        // measured calls show their own time only.
        LLM llm = llm(telemetry.listener);
        for (int i = 0; i < WARM_UP; i++) {
            server.enqueue(sse(OpenAIWire.answer("warm")));
            llm.generate("hi");
        }
        List<Double> excess = new ArrayList<>();
        for (int i = 0; i < MEASURED; i++) {
            // The server sends the headers and the opening chunk, then holds the first content until the client has
            // the stream open: time to first chunk is then mostly that wait, as a model's thinking would be.
            CountDownLatch opened = new CountDownLatch(1);
            server.enqueue(heldUntil(opened));
            try (LLMStream s = llm.open("hi")) {
                opened.countDown();
                assertThat(s.stream().toList()).containsExactly("A", "B");
            }
            WireTimingTransport.Exchange wire = List.copyOf(transport.exchanges).get(WARM_UP + i);
            assertThat(wire.firstContentRead).as("the transport read the content").isPositive();
            double sentToRead = (wire.firstContentRead - wire.sent) / 1e9;
            SpanData call = telemetry.spans.getFinishedSpanItems().get(WARM_UP + i);
            double ttft = call.getAttributes().get(AttributeKey.doubleKey("gen_ai.response.time_to_first_chunk"));
            assertThat(ttft).as("time to first chunk covers the wire's wait: from before the send to after the"
                    + " read").isGreaterThan(sentToRead);
            excess.add(ttft - sentToRead);
        }
        // The median of several calls: a listener that timed the wrong moment is off in every one of them, while a
        // pause of this shared machine's scheduler hits one now and then.
        Collections.sort(excess);
        assertThat(excess.get(MEASURED / 2)).as("median time to first chunk beyond the transport's send-to-first-"
                + "content-read, of %s", excess).isLessThanOrEqualTo(TWO_MS);

        List<SpanData> calls = telemetry.spans.getFinishedSpanItems();
        double spans = calls.stream()
                .mapToDouble(c -> c.getAttributes().get(AttributeKey.doubleKey("gen_ai.response.time_to_first_chunk")))
                .sum();
        HistogramPointData metric = telemetry.histogram("gen_ai.client.operation.time_to_first_chunk").get(0);
        assertThat(metric.getCount()).isEqualTo(WARM_UP + MEASURED);
        assertThat(metric.getSum()).as("the metric records what the spans show").isCloseTo(spans,
                org.assertj.core.data.Offset.offset(1e-6));
    }

    /** An answer "AB" whose content the server holds until {@code opened} is counted down. */
    private static MockResponse heldUntil(CountDownLatch opened) {
        return new MockResponse.Builder().setHeader("Content-Type", "text/event-stream")
                .body(new MockResponseBody() {
                    @Override
                    public long getContentLength() {
                        return -1;
                    }

                    @Override
                    public void writeTo(BufferedSink sink) throws IOException {
                        sink.writeUtf8(OpenAIWire.role()).flush();
                        try {
                            if (!opened.await(10, TimeUnit.SECONDS)) {
                                return;
                            }
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            return;
                        }
                        sink.writeUtf8(OpenAIWire.token("A") + OpenAIWire.token("B") + OpenAIWire.finish()
                                + OpenAIWire.done()).flush();
                    }
                }).build();
    }

    @Test
    void theCallsSpanIsCurrentWhileTheTransportSendsAndReads() {
        server.enqueue(sse(OpenAIWire.answer("a", "b")));
        assertThat(llm(telemetry.listener).generate("hi")).isEqualTo("ab");

        SpanData span = telemetry.span("chat " + MODEL);
        WireTimingTransport.Exchange x = transport.exchanges.peek();
        assertThat(x.spanAtSend.getSpanId()).as("an HTTP span started by the transport is the call's child")
                .isEqualTo(span.getSpanId());
        assertThat(x.spansAtRead).isNotEmpty().allSatisfy(c -> assertThat(c.getSpanId()).isEqualTo(span.getSpanId()));
        assertThat(io.opentelemetry.api.trace.Span.current().getSpanContext().isValid())
                .as("and not current after").isFalse();
    }

    @Test
    void aStreamClosedEarlyReportsTheErrorFinish() {
        server.enqueue(sse(OpenAIWire.answer("one", "two", "three")));
        try (LLMStream s = llm(telemetry.listener).open("hi")) {
            assertThat(s.next()).isEqualTo("one");
        }

        SpanData span = telemetry.span("chat " + MODEL);
        assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
        assertThat(span.getAttributes().get(ERROR_TYPE)).isEqualTo("cancelled");
        assertThat(span.getAttributes().get(AttributeKey.stringArrayKey("gen_ai.response.finish_reasons")))
                .containsExactly("error");
        assertThat(span.getAttributes().get(AttributeKey.longKey("synapsekit.partial_text.length"))).isEqualTo(3L);
        assertThat(telemetry.point("gen_ai.client.operation.duration", ERROR_TYPE, "cancelled")).isPresent();
    }

    @Test
    void aStreamDroppedWithoutCloseEndsItsSpanAsAbandoned() {
        server.enqueue(sse(OpenAIWire.answer("one", "two", "three")));
        readOneTokenAndDrop(llm(telemetry.listener));

        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (telemetry.spans.getFinishedSpanItems().isEmpty() && System.nanoTime() < deadline) {
            System.gc();
            Thread.onSpinWait();
        }
        SpanData span = telemetry.span("chat " + MODEL);
        assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
        assertThat(span.getAttributes().get(ERROR_TYPE)).isEqualTo("abandoned");
        assertThat(span.getAttributes().get(AttributeKey.stringArrayKey("gen_ai.response.finish_reasons")))
                .containsExactly("error");
        assertThat(span.getAttributes().get(AttributeKey.longKey("synapsekit.partial_text.length"))).isEqualTo(3L);
        assertThat(telemetry.point("gen_ai.client.operation.duration", ERROR_TYPE, "abandoned")).isPresent();
    }

    /** Reads one token of a stream and lets it go, in a frame of its own so that nothing still holds it. */
    private static void readOneTokenAndDrop(LLM llm) {
        LLMStream s = llm.open("hi");
        assertThat(s.next()).isEqualTo("one");
    }

    @Test
    void aStreamCutByTheServerReportsTheErrorFinishAndItsType() {
        // A body of known length whose socket the server closes halfway through.
        server.enqueue(new MockResponse.Builder().setHeader("Content-Type", "text/event-stream")
                .body(OpenAIWire.answer(OpenAIWire.numbered(40).toArray(String[]::new)))
                .onResponseBody(new SocketEffect.CloseSocket()).build());
        try (LLMStream s = llm(telemetry.listener).open("hi")) {
            assertThatThrownBy(() -> s.forEachRemaining(t -> { })).isInstanceOf(TruncatedStreamException.class);
        }

        SpanData span = telemetry.span("chat " + MODEL);
        String type = TruncatedStreamException.class.getName();
        assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
        assertThat(span.getAttributes().get(ERROR_TYPE)).isEqualTo(type);
        assertThat(span.getAttributes().get(AttributeKey.stringArrayKey("gen_ai.response.finish_reasons")))
                .containsExactly("error");
        assertThat(span.getEvents()).anySatisfy(e -> assertThat(e.getName()).isEqualTo("exception"));
        assertThat(telemetry.point("gen_ai.client.operation.duration", ERROR_TYPE, type)).isPresent();
    }

    @Test
    void withTheNoOpApiTheStreamIsUnchangedAndNothingIsMadeCurrent() {
        server.enqueue(sse(OpenAIWire.answer("a", "b")));
        assertThat(llm(GenAiTelemetry.create(OpenTelemetry.noop())).generate("hi")).isEqualTo("ab");
        assertThat(transport.exchanges.peek().spanAtSend.isValid()).isFalse();
        assertThat(telemetry.spans.getFinishedSpanItems()).isEmpty();
    }
}
