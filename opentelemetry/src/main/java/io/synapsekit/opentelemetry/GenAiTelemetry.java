package io.synapsekit.opentelemetry;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.LongHistogram;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.metrics.MeterProvider;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.TracerProvider;
import io.synapsekit.observe.LLMCall;
import io.synapsekit.observe.LLMCallListener;
import io.synapsekit.observe.LLMListener;
import io.synapsekit.observe.Work;
import io.synapsekit.observe.WorkListener;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The {@link LLMListener} that records LLM calls, graph nodes and retrievals as OpenTelemetry spans and metrics,
 * to the GenAI semantic conventions (<a href="https://github.com/open-telemetry/semantic-conventions/tree/v1.41.0/docs/gen-ai">v1.41.0</a>).
 *
 * <pre>{@code
 * GenAiTelemetry telemetry = GenAiTelemetry.create(openTelemetry);
 * LLM llm = OpenAILLM.builder().model("gpt-4o-mini").listener(telemetry).build();
 * }</pre>
 *
 * <p>Each call is a {@code CLIENT} span named {@code "{operation} {model}"} ({@code "chat gpt-4o-mini"}), a child of
 * the span current where the call started, with {@code gen_ai.operation.name}, {@code gen_ai.provider.name},
 * {@code gen_ai.request.model}, the request's temperature, top-p, maximum tokens and stop sequences,
 * {@code server.address} and {@code server.port}; at its end {@code gen_ai.usage.input_tokens},
 * {@code gen_ai.usage.output_tokens} and {@code gen_ai.response.finish_reasons}. A stream that failed, was cut or was
 * closed early ends with status {@code ERROR}, finish reason {@code "error"} and {@code error.type}: the error's
 * class name, {@code "cancelled"} for a stream its caller closed before the end, or {@code "abandoned"} for one it
 * dropped, neither read to its end nor closed (ended when the garbage collector finds it). The span is current on the
 * thread that sends the request and reads the stream, while it does so: a transport's own HTTP span is its child.
 *
 * <p>Metrics, with the conventions' bucket boundaries: {@code gen_ai.client.operation.duration},
 * {@code gen_ai.client.token.usage} (by {@code gen_ai.token.type}),
 * {@code gen_ai.client.operation.time_to_first_chunk} (from the call's start to the end of the read that delivered
 * the first content) and {@code gen_ai.client.operation.time_per_output_chunk} (for each content chunk after the
 * first, from the end of the read that delivered the previous one to the end of the read that delivered it: chunks
 * that arrive together in one read are 0 s apart).
 *
 * <p>Graph runs, graph nodes and retrievals are {@code INTERNAL} spans ({@code "graph.run"},
 * {@code "graph.node {name}"}, {@code "retrieval {name}"}) with {@code synapsekit.work.kind} and
 * {@code synapsekit.work.name}; a graph node's span, and the calls in it, are children of the run's span across the
 * hand-over to the node's virtual thread.
 *
 * <p>Immutable and thread-safe: create one per {@link OpenTelemetry} and share it.
 *
 * @implNote Per read of the body it costs a scope made current around the read and a clock read when it returns
 *     (a chunk's arrival time is the end of the read that delivered it, so a burst of chunks in one read costs one
 *     clock read); per content chunk a few field writes and one histogram record, handed to the SDK 256 at a time;
 *     per call one span. On the no-op API (no SDK or agent installed: both providers are the
 *     API's no-op ones) it observes nothing, so streams are not wrapped at all.
 */
public final class GenAiTelemetry implements LLMListener {

    /** The instrumentation scope's name. */
    public static final String INSTRUMENTATION_NAME = "io.synapsekit";

    /** The version of the GenAI semantic conventions followed. */
    public static final String SEMCONV_VERSION = "1.41.0";

    // The conventions' advice: duration and time to first chunk, then time per output chunk, then tokens.
    private static final List<Double> DURATION_BUCKETS = List.of(0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28,
            2.56, 5.12, 10.24, 20.48, 40.96, 81.92);
    private static final List<Double> CHUNK_BUCKETS = List.of(0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4,
            0.5, 0.75, 1.0, 2.5);
    private static final List<Long> TOKEN_BUCKETS = List.of(1L, 4L, 16L, 64L, 256L, 1024L, 4096L, 16384L, 65536L,
            262144L, 1048576L, 4194304L, 16777216L, 67108864L);

    final Tracer tracer;
    final DoubleHistogram duration;
    final DoubleHistogram timeToFirstChunk;
    final DoubleHistogram timePerOutputChunk;
    final LongHistogram tokenUsage;
    /** Whether both providers are the API's no-op ones: then nothing would be recorded, so nothing is observed. */
    private final boolean noop;
    /**
     * One instance of each set of metric attributes in use, so that every call with the same set hands the SDK
     * the same instance: the SDK finds a measurement's series by its attributes, and an identical instance is
     * found without comparing them attribute by attribute, which otherwise every chunk of every call would pay.
     */
    private final ConcurrentHashMap<Attributes, Attributes> canonical = new ConcurrentHashMap<>();
    /** How many sets are kept at most: beyond it (models without end), a set is used as it comes. */
    private static final int MAX_CANONICAL = 1024;

    private GenAiTelemetry(OpenTelemetry openTelemetry) {
        this.noop = openTelemetry.getTracerProvider() == TracerProvider.noop()
                && openTelemetry.getMeterProvider() == MeterProvider.noop();
        this.tracer = openTelemetry.getTracer(INSTRUMENTATION_NAME);
        Meter meter = openTelemetry.getMeter(INSTRUMENTATION_NAME);
        this.duration = meter.histogramBuilder("gen_ai.client.operation.duration").setUnit("s")
                .setDescription("GenAI operation duration.").setExplicitBucketBoundariesAdvice(DURATION_BUCKETS)
                .build();
        this.timeToFirstChunk = meter.histogramBuilder("gen_ai.client.operation.time_to_first_chunk").setUnit("s")
                .setDescription("Time to receive the first chunk in a streaming operation.")
                .setExplicitBucketBoundariesAdvice(DURATION_BUCKETS).build();
        this.timePerOutputChunk = meter.histogramBuilder("gen_ai.client.operation.time_per_output_chunk")
                .setUnit("s").setDescription("Time per output chunk after the first one in a streaming operation.")
                .setExplicitBucketBoundariesAdvice(CHUNK_BUCKETS).build();
        this.tokenUsage = meter.histogramBuilder("gen_ai.client.token.usage").ofLongs().setUnit("{token}")
                .setDescription("Number of input and output tokens used.")
                .setExplicitBucketBoundariesAdvice(TOKEN_BUCKETS).build();
    }

    /** Returns the listener that records to {@code openTelemetry}'s tracer and meter. */
    public static GenAiTelemetry create(OpenTelemetry openTelemetry) {
        return new GenAiTelemetry(Objects.requireNonNull(openTelemetry, "openTelemetry"));
    }

    @Override
    public LLMCallListener callStarted(LLMCall call) {
        return noop ? LLMCallListener.NONE : new GenAiCall(this, call);
    }

    @Override
    public WorkListener workStarted(Work work) {
        return noop ? WorkListener.NONE : new WorkSpan(tracer, work);
    }

    /** Returns the one instance of {@code attributes} kept for calls that share them, or {@code attributes}. */
    Attributes canonical(Attributes attributes) {
        Attributes kept = canonical.get(attributes);
        if (kept != null) {
            return kept;
        }
        if (canonical.size() >= MAX_CANONICAL) {
            return attributes;
        }
        kept = canonical.putIfAbsent(attributes, attributes);
        return kept != null ? kept : attributes;
    }

    /** Returns the conventions' name of {@code provider}: Gemini is {@code "gcp.gemini"}. */
    static String providerName(String provider) {
        return provider.equals("gemini") ? "gcp.gemini" : provider;
    }

    @Override
    public String toString() {
        return "GenAiTelemetry[semconv=" + SEMCONV_VERSION + "]";
    }
}
