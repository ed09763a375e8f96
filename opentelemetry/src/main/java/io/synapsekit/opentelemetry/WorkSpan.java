package io.synapsekit.opentelemetry;

import static io.synapsekit.opentelemetry.GenAiAttributes.ERROR_TYPE;
import static io.synapsekit.opentelemetry.GenAiAttributes.OPERATION_NAME;
import static io.synapsekit.opentelemetry.GenAiAttributes.TOOL_NAME;
import static io.synapsekit.opentelemetry.GenAiAttributes.WORK_KIND;
import static io.synapsekit.opentelemetry.GenAiAttributes.WORK_NAME;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.synapsekit.observe.Scope;
import io.synapsekit.observe.Work;
import io.synapsekit.observe.WorkListener;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;

/** The span of one graph run, graph node, retrieval, agent run, tool call or served answer; entered on each thread the work runs on. */
final class WorkSpan implements WorkListener {

    private final Span span;
    private final Context context;
    private final boolean recording;
    private final AtomicBoolean ended = new AtomicBoolean();

    WorkSpan(Tracer tracer, Work work) {
        Context parent = Context.current();
        String name = work.name().isEmpty() ? work.kind() : work.kind() + " " + work.name();
        SpanBuilder b = tracer.spanBuilder(name).setParent(parent).setSpanKind(SpanKind.INTERNAL)
                .setAttribute(WORK_KIND, work.kind()).setAttribute(WORK_NAME, work.name());
        if (work.kind().equals(Work.TOOL_CALL)) { // the conventions' execute_tool span
            b.setAttribute(OPERATION_NAME, Work.TOOL_CALL).setAttribute(TOOL_NAME, work.name());
        } else if (work.kind().equals(Work.AGENT_RUN)) { // the conventions' invoke_agent span
            b.setAttribute(OPERATION_NAME, Work.AGENT_RUN);
        }
        this.span = b.startSpan();
        this.context = parent.with(span);
        this.recording = span.getSpanContext().isValid();
    }

    @Override
    public Scope enter() {
        if (!recording) {
            return Scope.NONE;
        }
        return context.makeCurrent()::close;
    }

    @Override
    public void finished(@Nullable Throwable failure) {
        if (!ended.compareAndSet(false, true)) {
            return;
        }
        if (failure != null && recording) {
            span.setAttribute(ERROR_TYPE, failure.getClass().getName());
            span.setStatus(StatusCode.ERROR, failure.getClass().getSimpleName());
            span.recordException(failure);
        }
        span.end();
    }
}
