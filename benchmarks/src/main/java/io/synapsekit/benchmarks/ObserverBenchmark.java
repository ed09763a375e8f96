package io.synapsekit.benchmarks;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.metrics.InstrumentType;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.AggregationTemporality;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.export.MetricExporter;
import io.opentelemetry.sdk.metrics.export.PeriodicMetricReader;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.synapsekit.benchmarks.load.MockOpenAIServer;
import io.synapsekit.llm.LLMEvent;
import io.synapsekit.llm.LLMStream;
import io.synapsekit.llm.openai.OpenAILLM;
import io.synapsekit.observe.LLMCall;
import io.synapsekit.observe.LLMCallListener;
import io.synapsekit.observe.LLMListener;
import io.synapsekit.opentelemetry.GenAiTelemetry;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collection;
import java.util.Locale;

/**
 * The per-token cost of observing a stream, each against the same stream with no listener, measured in the same
 * run, alternating, medians:
 * <ul>
 *   <li>the listener SPI alone: a listener whose callbacks only count (what core adds per event);</li>
 *   <li>{@code synapsekit-opentelemetry} on the no-op OpenTelemetry API (no SDK installed);</li>
 *   <li>{@code synapsekit-opentelemetry} on the OpenTelemetry SDK, recording: a sampled span per call and the four
 *       histograms, exported (and dropped) by a span processor and a periodic metric reader.</li>
 * </ul>
 * The stream is OpenAI's chunk format, one token per chunk, decoded from memory: the whole decode path but no
 * socket, so the ratio is the worst case (over a network each token costs more, and the listener the same). With
 * {@code --loopback} the same stream comes over a loopback socket through the JDK transport, from the load
 * harness's {@link MockOpenAIServer} in a JVM of its own, unpaced.
 *
 * <p>Run after {@code mvn -pl benchmarks -am package -DskipTests}, on JDK 21+:
 * {@code java -cp benchmarks/target/benchmarks.jar io.synapsekit.benchmarks.ObserverBenchmark [rounds]
 * [--loopback]}.
 */
public final class ObserverBenchmark {

    static final int TOKENS = 10_000;
    static final int STREAMS_PER_ROUND = 20;

    private ObserverBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 15;
        boolean loopback = Arrays.asList(args).contains("--loopback");
        Process server = null;
        String baseUrl = "http://127.0.0.1:1/v1";
        if (loopback) {
            // The load harness's mock server, in a JVM of its own, unpaced: the tokens as fast as the socket takes.
            server = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"), "-Xmx512m", "-cp",
                    System.getProperty("java.class.path"), MockOpenAIServer.class.getName())
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
            String line = new java.io.BufferedReader(new java.io.InputStreamReader(server.getInputStream(),
                    java.nio.charset.StandardCharsets.UTF_8)).readLine();
            if (line == null || !line.startsWith("PORT ")) {
                server.destroy();
                throw new IllegalStateException("mock server did not start: " + line);
            }
            baseUrl = "http://127.0.0.1:" + line.substring(5).trim() + "/t/" + TOKENS + "/p/0/v1";
        }
        try {
            measure(rounds, loopback ? null : MockOpenAIServer.sseBody(TOKENS), baseUrl);
        } finally {
            if (server != null) {
                server.getOutputStream().close(); // its standard input closing stops it
                server.waitFor();
            }
        }
    }

    private static void measure(int rounds, byte[] body, String baseUrl) throws Exception {
        System.out.println(body == null ? "over loopback HTTP/1.1 through the JDK transport" : "decoded from memory");
        OpenTelemetrySdk sdk = OpenTelemetrySdk.builder()
                .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(
                        new DroppingSpans())).build())
                .setMeterProvider(SdkMeterProvider.builder().registerMetricReader(PeriodicMetricReader
                        .builder(new DroppingMetrics()).setInterval(Duration.ofSeconds(1)).build()).build())
                .build();
        // The SDK's two halves apart, to show where its cost lies.
        OpenTelemetry tracesOnly = new Split(sdk.getTracerProvider(), io.opentelemetry.api.metrics.MeterProvider.noop());
        OpenTelemetry metricsOnly = new Split(io.opentelemetry.api.trace.TracerProvider.noop(),
                sdk.getMeterProvider());
        String[] names = {"no listener", "counting listener", "OTel no-op API", "OTel SDK recording",
                "  SDK traces only", "  SDK metrics only"};
        OpenAILLM[] llms = {llm(body, baseUrl, null), llm(body, baseUrl, new Counting()),
                llm(body, baseUrl, GenAiTelemetry.create(OpenTelemetry.noop())),
                llm(body, baseUrl, GenAiTelemetry.create(sdk)), llm(body, baseUrl, GenAiTelemetry.create(tracesOnly)),
                llm(body, baseUrl, GenAiTelemetry.create(metricsOnly))};
        long sink = 0;
        for (int i = 0; i < 3; i++) { // warm-up
            for (OpenAILLM llm : llms) {
                sink += streams(llm);
            }
        }
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        double[][] wall = new double[llms.length][rounds];
        double[][] cpu = new double[llms.length][rounds];
        double tokens = STREAMS_PER_ROUND * TOKENS;
        for (int r = 0; r < rounds; r++) {
            for (int v = 0; v < llms.length; v++) {
                // Rotate the order each round, so no variant always runs right after the same other one.
                int which = (v + r) % llms.length;
                long c0 = threads.getCurrentThreadCpuTime();
                long t0 = System.nanoTime();
                sink += streams(llms[which]);
                wall[which][r] = (System.nanoTime() - t0) / tokens;
                cpu[which][r] = (threads.getCurrentThreadCpuTime() - c0) / tokens;
            }
        }
        // Every round's CPU ratios too, not only the medians: how far one round strays shows the noise.
        System.out.printf(Locale.ROOT, "%-8s", "round");
        for (int v = 1; v < llms.length; v++) {
            System.out.printf(Locale.ROOT, " %18s", names[v].strip());
        }
        System.out.println();
        for (int r = 0; r < rounds; r++) {
            System.out.printf(Locale.ROOT, "%-8d", r + 1);
            for (int v = 1; v < llms.length; v++) {
                System.out.printf(Locale.ROOT, " %18.3f", cpu[v][r] / cpu[0][r]);
            }
            System.out.println();
        }
        // CPU time of the reading thread (everything runs on it) is what a shared, busy machine disturbs least;
        // wall time beside it includes waiting for a core.
        double baseCpu = median(cpu[0]);
        double baseWall = median(wall[0]);
        System.out.printf(Locale.ROOT, "%-22s %10s %7s %10s %7s%n", "per token (medians)", "cpu ns", "ratio",
                "wall ns", "ratio");
        for (int v = 0; v < llms.length; v++) {
            double c = median(cpu[v]);
            double w = median(wall[v]);
            System.out.printf(Locale.ROOT, "%-22s %10.1f %7.3f %10.1f %7.3f%n", names[v], c, c / baseCpu, w,
                    w / baseWall);
        }
        System.out.println("(targets: OTel no-op API <= 1.05, OTel SDK recording <= 1.30; checksum " + sink + ")");
        sdk.close();
    }

    private static long streams(OpenAILLM llm) {
        long n = 0;
        for (int i = 0; i < STREAMS_PER_ROUND; i++) {
            try (LLMStream tokens = llm.open("observe")) {
                while (tokens.hasNext()) {
                    n += tokens.next().length();
                }
            }
        }
        return n;
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    /** A client of {@code body} from memory, or of {@code baseUrl} over the default transport when it is null. */
    private static OpenAILLM llm(byte[] body, String baseUrl, LLMListener listener) {
        OpenAILLM.Builder b = OpenAILLM.builder().baseUrl(baseUrl).apiKey("sk-bench");
        if (body != null) {
            b.transport(new InMemoryTransport(body));
        }
        if (listener != null) {
            b.listener(listener);
        }
        return b.build();
    }

    /** An OpenTelemetry with one provider of the SDK's and the other no-op. */
    private record Split(io.opentelemetry.api.trace.TracerProvider tracerProvider,
            io.opentelemetry.api.metrics.MeterProvider meterProvider) implements OpenTelemetry {
        @Override
        public io.opentelemetry.api.trace.TracerProvider getTracerProvider() {
            return tracerProvider;
        }

        @Override
        public io.opentelemetry.api.metrics.MeterProvider getMeterProvider() {
            return meterProvider;
        }

        @Override
        public io.opentelemetry.context.propagation.ContextPropagators getPropagators() {
            return io.opentelemetry.context.propagation.ContextPropagators.noop();
        }
    }

    /** Counts what it hears, and nothing else: the cost of the SPI itself. */
    static final class Counting implements LLMListener {
        long events;

        @Override
        public LLMCallListener callStarted(LLMCall call) {
            return new LLMCallListener() {
                @Override
                public void chunk(LLMEvent event) {
                    events++;
                }
            };
        }
    }

    private static final class DroppingSpans implements SpanExporter {
        @Override
        public CompletableResultCode export(Collection<SpanData> spans) {
            return CompletableResultCode.ofSuccess();
        }

        @Override
        public CompletableResultCode flush() {
            return CompletableResultCode.ofSuccess();
        }

        @Override
        public CompletableResultCode shutdown() {
            return CompletableResultCode.ofSuccess();
        }
    }

    private static final class DroppingMetrics implements MetricExporter {
        @Override
        public CompletableResultCode export(Collection<MetricData> metrics) {
            return CompletableResultCode.ofSuccess();
        }

        @Override
        public CompletableResultCode flush() {
            return CompletableResultCode.ofSuccess();
        }

        @Override
        public CompletableResultCode shutdown() {
            return CompletableResultCode.ofSuccess();
        }

        @Override
        public AggregationTemporality getAggregationTemporality(InstrumentType instrumentType) {
            return AggregationTemporality.CUMULATIVE;
        }
    }
}
