package io.synapsekit.examples;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.exporter.logging.LoggingMetricExporter;
import io.opentelemetry.exporter.logging.LoggingSpanExporter;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.export.PeriodicMetricReader;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.synapsekit.graph.CompiledGraph;
import io.synapsekit.graph.LlmNode;
import io.synapsekit.graph.StateGraph;
import io.synapsekit.llm.LLM;
import io.synapsekit.llm.openai.OpenAILLM;
import io.synapsekit.observe.LLMCall;
import io.synapsekit.observe.LLMCallListener;
import io.synapsekit.observe.LLMListener;
import io.synapsekit.observe.Work;
import io.synapsekit.observe.WorkListener;
import io.synapsekit.opentelemetry.GenAiTelemetry;
import io.synapsekit.rag.RAG;
import java.time.Duration;
import java.util.List;

/**
 * The demo's {@code --telemetry}: every LLM call, graph run and node as OpenTelemetry spans and GenAI metrics,
 * printed by the SDK's logging exporters (spans as each ends, metrics every ten seconds).
 *
 * <p>Found with {@code ServiceLoader} ({@code META-INF/services/io.synapsekit.observe.LLMListener}), so it observes
 * every client and graph the demo builds without their code naming it; it observes nothing until {@link #install()}
 * is called.
 */
public final class DemoTelemetry implements LLMListener {

    private static volatile LLMListener installed;

    /** Creates the listener {@code ServiceLoader} finds; it hands every call to the installed telemetry, if any. */
    public DemoTelemetry() {
    }

    /** Starts the SDK with the logging exporters and observes from now on; it is shut down when the JVM exits. */
    public static void install() {
        OpenTelemetrySdk sdk = OpenTelemetrySdk.builder()
                .setTracerProvider(SdkTracerProvider.builder()
                        .addSpanProcessor(SimpleSpanProcessor.create(LoggingSpanExporter.create())).build())
                .setMeterProvider(SdkMeterProvider.builder()
                        .registerMetricReader(PeriodicMetricReader.builder(LoggingMetricExporter.create())
                                .setInterval(Duration.ofSeconds(10)).build()).build())
                .build();
        installed = GenAiTelemetry.create(sdk);
        Runtime.getRuntime().addShutdownHook(new Thread(sdk::close, "telemetry-shutdown"));
        System.out.println("Telemetry: spans and GenAI metrics are logged by the OpenTelemetry SDK"
                + " (java.util.logging, on standard error)");
    }

    /** Observes a client, a graph and a RAG pipeline with one listener: the README's example. */
    static List<Object> observedEverywhere(OpenTelemetry openTelemetry) {
        // tag::telemetry[]
        GenAiTelemetry telemetry = GenAiTelemetry.create(openTelemetry);   // e.g. GlobalOpenTelemetry.get()
        LLM llm = OpenAILLM.builder().model("gpt-4o-mini").listener(telemetry).build();
        CompiledGraph graph = new StateGraph()
                .addNode("answer", LlmNode.of(llm)).setEntryPoint("answer").setFinishPoint("answer")
                .listener(telemetry)                                       // graph.run and graph.node spans
                .compile();
        RAG rag = RAG.builder(llm).listener(telemetry).build();            // retrieval spans
        // end::telemetry[]
        return List.of(graph, rag);
    }

    @Override
    public LLMCallListener callStarted(LLMCall call) {
        LLMListener l = installed;
        return l == null ? LLMCallListener.NONE : l.callStarted(call);
    }

    @Override
    public WorkListener workStarted(Work work) {
        LLMListener l = installed;
        return l == null ? WorkListener.NONE : l.workStarted(work);
    }
}
