package io.synapsekit.opentelemetry;

import static io.synapsekit.opentelemetry.GenAiAttributes.*;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import io.synapsekit.llm.GenerateOptions;
import io.synapsekit.llm.LLMEvent;
import io.synapsekit.observe.LLMCall;
import io.synapsekit.observe.LLMCallListener;
import io.synapsekit.observe.Scope;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;

/**
 * One LLM call's span and measurements. Written by the reading thread; only the end may come from a closing one,
 * guarded so that the span ends once.
 */
final class GenAiCall implements LLMCallListener {

    private static final double NANOS_PER_SECOND = 1e9;
    private static final double SECONDS_PER_NANO = 1e-9; // a product per chunk rather than a quotient
    /** How many gaps between chunks are kept before they are recorded together; bounds the memory a call holds. */
    private static final int GAP_BATCH = 256;

    private final GenAiTelemetry telemetry;
    private final Span span;
    private final Context context;
    private final boolean recording;
    // Gains the response model once the stream names it, before its first chunk: written on the reading thread.
    private Attributes metricAttributes;
    private final long start;
    private final AtomicBoolean ended = new AtomicBoolean();
    private long lastChunk;
    private long contentChunks;
    // The gaps between content chunks not recorded yet: per chunk a store, the histogram's records in a batch.
    private final long[] gaps = new long[GAP_BATCH];
    private int pendingGaps;
    private LLMEvent.@Nullable Usage usage;
    // Whether a scope is open: entered on the reading thread only and never twice at once (a nested enter, a
    // read while the request is sent, is inside the outer one), so fields will do and nothing is allocated per read.
    private boolean inScope;
    private io.opentelemetry.context.@Nullable Scope entered; // the context made current, when recording
    // When the last read of the body returned: the arrival time of every chunk decoded from what it delivered.
    // Taken once per read rather than once per chunk: a read that brings a burst of chunks costs one clock read.
    private long lastRead;
    private final Scope exit = () -> {
        lastRead = System.nanoTime();
        inScope = false;
        io.opentelemetry.context.Scope s = entered;
        entered = null;
        if (s != null) {
            s.close();
        }
    };

    GenAiCall(GenAiTelemetry telemetry, LLMCall call) {
        this.telemetry = telemetry;
        this.start = System.nanoTime();
        String provider = GenAiTelemetry.providerName(call.provider());
        this.metricAttributes = telemetry.canonical(Attributes.builder().put(OPERATION_NAME, call.operation())
                .put(PROVIDER_NAME, provider).put(REQUEST_MODEL, call.model())
                .put(SERVER_ADDRESS, call.serverAddress()).put(SERVER_PORT, (long) call.serverPort()).build());
        Context parent = Context.current();
        SpanBuilder b = telemetry.tracer.spanBuilder(call.operation() + " " + call.model()).setParent(parent)
                .setSpanKind(SpanKind.CLIENT).setAllAttributes(metricAttributes);
        GenerateOptions o = call.options();
        o.temperature().ifPresent(t -> b.setAttribute(REQUEST_TEMPERATURE, t));
        o.topP().ifPresent(p -> b.setAttribute(REQUEST_TOP_P, p));
        o.maxTokens().ifPresent(m -> b.setAttribute(REQUEST_MAX_TOKENS, (long) m));
        if (!o.stop().isEmpty()) {
            b.setAttribute(REQUEST_STOP_SEQUENCES, o.stop());
        }
        this.span = b.startSpan();
        this.context = parent.with(span);
        this.recording = span.getSpanContext().isValid();
    }

    @Override
    public Scope enter() {
        if (inScope) { // nested (a read while the request is sent): current already
            return Scope.NONE;
        }
        inScope = true;
        entered = recording ? context.makeCurrent() : null;
        return exit;
    }

    /** Returns when the chunk being heard arrived: the end of the read that delivered it. */
    private long arrival() {
        long t = lastRead;
        return t != 0 ? t : System.nanoTime(); // a source read outside the call's scope: the time of hearing it
    }

    @Override
    public void response(@Nullable String id, @Nullable String model) {
        if (model != null) {
            metricAttributes = telemetry.canonical(metricAttributes.toBuilder().put(RESPONSE_MODEL, model).build());
        }
        if (recording) {
            if (id != null) {
                span.setAttribute(RESPONSE_ID, id);
            }
            if (model != null) {
                span.setAttribute(RESPONSE_MODEL, model);
            }
        }
    }

    @Override
    public void firstChunk() {
        long now = arrival();
        lastChunk = now;
        double seconds = (now - start) / NANOS_PER_SECOND;
        telemetry.timeToFirstChunk.record(seconds, metricAttributes);
        if (recording) {
            span.setAttribute(RESPONSE_TIME_TO_FIRST_CHUNK, seconds);
        }
    }

    @Override
    public void chunk(LLMEvent event) {
        if (event instanceof LLMEvent.Token || event instanceof LLMEvent.Thinking
                || event instanceof LLMEvent.Refusal || event instanceof LLMEvent.ToolCallDelta) {
            long now = arrival();
            if (contentChunks++ > 0) {
                gaps[pendingGaps++] = now - lastChunk;
                if (pendingGaps == GAP_BATCH) {
                    recordGaps();
                }
            }
            lastChunk = now;
        }
    }

    /** Records the pending gaps between chunks as time per output chunk. */
    private void recordGaps() {
        int n = pendingGaps;
        pendingGaps = 0;
        for (int i = 0; i < n; i++) {
            // The root context: per chunk, neither the look-up of the current one nor an exemplar is worth it.
            telemetry.timePerOutputChunk.record(gaps[i] * SECONDS_PER_NANO, metricAttributes, Context.root());
        }
    }

    @Override
    public void usage(LLMEvent.Usage usage) {
        this.usage = usage;
    }

    @Override
    public void finished(@Nullable String reason) {
        end(reason == null ? List.of() : List.of(reason), null, null, -1);
    }

    @Override
    public void failed(RuntimeException error, int partialTextLength) {
        end(List.of(FINISH_ERROR), error.getClass().getName(), error, partialTextLength);
    }

    @Override
    public void cancelled(int partialTextLength) {
        end(List.of(FINISH_ERROR), CANCELLED, null, partialTextLength);
    }

    @Override
    public void abandoned(int partialTextLength) {
        end(List.of(FINISH_ERROR), ABANDONED, null, partialTextLength);
    }

    private void end(List<String> finishReasons, @Nullable String errorType, @Nullable Throwable error,
            int partialTextLength) {
        if (!ended.compareAndSet(false, true)) {
            return;
        }
        double seconds = (System.nanoTime() - start) / NANOS_PER_SECOND;
        recordGaps();
        Attributes attributes = errorType == null ? metricAttributes
                : metricAttributes.toBuilder().put(ERROR_TYPE, errorType).build();
        telemetry.duration.record(seconds, attributes);
        LLMEvent.Usage u = usage;
        if (u != null) {
            if (u.promptTokens() != null) {
                telemetry.tokenUsage.record(u.promptTokens(), tokenType(attributes, "input"));
            }
            if (u.completionTokens() != null) {
                telemetry.tokenUsage.record(u.completionTokens(), tokenType(attributes, "output"));
            }
        }
        if (!recording) {
            span.end();
            return;
        }
        if (!finishReasons.isEmpty()) {
            span.setAttribute(RESPONSE_FINISH_REASONS, finishReasons);
        }
        if (u != null && u.promptTokens() != null) {
            span.setAttribute(USAGE_INPUT_TOKENS, (long) u.promptTokens());
        }
        if (u != null && u.completionTokens() != null) {
            span.setAttribute(USAGE_OUTPUT_TOKENS, (long) u.completionTokens());
        }
        if (errorType != null) {
            span.setAttribute(ERROR_TYPE, errorType);
            span.setAttribute(PARTIAL_TEXT_LENGTH, (long) partialTextLength);
            span.setStatus(StatusCode.ERROR, error != null ? error.getClass().getSimpleName()
                    : errorType.equals(ABANDONED) ? "dropped by the caller before the end, never closed"
                    : "closed by the caller before the end");
            if (error != null) {
                span.recordException(error);
            }
        }
        span.end();
    }

    private static Attributes tokenType(Attributes attributes, String type) {
        AttributesBuilder b = attributes.toBuilder();
        return b.put(TOKEN_TYPE, type).build();
    }
}
