package io.synapsekit.opentelemetry;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.HistogramPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.util.List;
import java.util.Optional;

/** An OpenTelemetry SDK that records into the SDK's in-memory exporters, for one test. */
final class Telemetry implements AutoCloseable {

    final InMemorySpanExporter spans = InMemorySpanExporter.create();
    final InMemoryMetricReader metrics = InMemoryMetricReader.create();
    final OpenTelemetrySdk sdk = OpenTelemetrySdk.builder()
            .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans)).build())
            .setMeterProvider(SdkMeterProvider.builder().registerMetricReader(metrics).build()).build();
    final GenAiTelemetry listener = GenAiTelemetry.create(sdk);

    /** Returns the ended span named {@code name}; fails unless there is exactly one. */
    SpanData span(String name) {
        List<SpanData> found = spans.getFinishedSpanItems().stream().filter(s -> s.getName().equals(name)).toList();
        if (found.size() != 1) {
            throw new AssertionError("expected one span named '" + name + "', found " + spans.getFinishedSpanItems());
        }
        return found.get(0);
    }

    /** Returns the histogram points of metric {@code name} collected now. */
    List<HistogramPointData> histogram(String name) {
        return metrics.collectAllMetrics().stream().filter(m -> m.getName().equals(name))
                .map(MetricData::getHistogramData).flatMap(h -> h.getPoints().stream()).toList();
    }

    /** Returns the one point of {@code name} whose {@code key} is {@code value}. */
    Optional<HistogramPointData> point(String name, AttributeKey<String> key, String value) {
        return histogram(name).stream().filter(p -> value.equals(p.getAttributes().get(key))).findFirst();
    }

    @Override
    public void close() {
        sdk.close();
    }

    /** Asserts that {@code child} is a child of {@code parent}, in its trace. */
    static void assertChildOf(SpanData child, SpanData parent) {
        assertThat(child.getTraceId()).as("%s in the trace of %s", child.getName(), parent.getName())
                .isEqualTo(parent.getTraceId());
        assertThat(child.getParentSpanId()).as("%s is a child of %s", child.getName(), parent.getName())
                .isEqualTo(parent.getSpanId());
    }
}
