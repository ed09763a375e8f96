package io.synapsekit.benchmarks;

import io.synapsekit.llm.LLMEvent;
import io.synapsekit.server.SseResponse;
import io.synapsekit.server.SseSink;
import io.synapsekit.server.ui.UiMessageStream;
import io.synapsekit.sse.SseEvent;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * The cost per token of the Vercel AI SDK's UI message stream against our plain SSE token stream, in one run:
 *
 * <ul>
 *   <li>served: {@code SseResponse.stream(sink, UiMessageStream.llm(events, id))} against
 *       {@code SseResponse.streamTokens(sink, tokens)}, the same tokens, to a sink that discards the bytes (the
 *       whole server path: bridge thread, ids, writer, flushes);</li>
 *   <li>encoded only: {@code UiMessageStream.llm(events, id)} drained against {@code SseEvent.message(token)} per
 *       token (the encoder alone, no I/O).</li>
 * </ul>
 * It also prints the bytes on the wire per token of each. Run:
 * {@code java -cp benchmarks/target/benchmarks.jar io.synapsekit.benchmarks.UiMessageStreamBenchmark [forks]
 * [iterations]}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {"-Xmx1g"})
public class UiMessageStreamBenchmark {

    static final int TOKENS = 2_000;

    @State(Scope.Benchmark)
    public static class Answer {
        List<String> tokens;
        List<LLMEvent> events;
        final SseResponse sse = SseResponse.create();
        final SseSink sink = SseSink.of((name, value) -> { }, OutputStream::nullOutputStream);

        @Setup(Level.Trial)
        public void setUp() {
            tokens = tokens();
            events = new ArrayList<>(tokens.size() + 1);
            tokens.forEach(t -> events.add(new LLMEvent.Token(t)));
            events.add(new LLMEvent.Finish("stop"));
        }
    }

    /** Model-like tokens: words of 2 to 8 characters with their space, some punctuation, newlines and non-ASCII. */
    static List<String> tokens() {
        String[] words = {" the", " stream", " token", " é", " retrieval", " and", " 日本", ",", ".\n", " \"quoted\"",
            " server", " of", " 🚀", " a", " generation"};
        List<String> out = new ArrayList<>(TOKENS);
        for (int i = 0; i < TOKENS; i++) {
            out.add(words[(i * 7 + i / 3) % words.length]);
        }
        return out;
    }

    @Benchmark
    @OperationsPerInvocation(TOKENS)
    public Object servedPlainSse(Answer a) {
        return a.sse.streamTokens(a.sink, a.tokens.stream());
    }

    @Benchmark
    @OperationsPerInvocation(TOKENS)
    public Object servedUiMessageStream(Answer a) {
        return a.sse.stream(a.sink, UiMessageStream.llm(a.events.stream(), "msg-benchmark"));
    }

    @Benchmark
    @OperationsPerInvocation(TOKENS)
    public void encodedPlainSse(Answer a, Blackhole bh) {
        for (String t : a.tokens) {
            bh.consume(SseEvent.message(t));
        }
    }

    @Benchmark
    @OperationsPerInvocation(TOKENS)
    public void encodedUiMessageStream(Answer a, Blackhole bh) {
        UiMessageStream.llm(a.events.stream(), "msg-benchmark").forEach(bh::consume);
    }

    public static void main(String[] args) throws Exception {
        int forks = args.length > 0 ? Integer.parseInt(args[0]) : 2;
        int iterations = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        Options options = new OptionsBuilder().include(UiMessageStreamBenchmark.class.getName() + "\\.")
                .forks(forks).measurementIterations(iterations).measurementTime(TimeValue.seconds(1))
                .jvm(ProcessHandle.current().info().command().orElse("java")).build();
        Collection<RunResult> results = new Runner(options).run();
        Map<String, Double> nsPerToken = new TreeMap<>();
        for (RunResult r : results) {
            nsPerToken.put(r.getParams().getBenchmark().replaceAll(".*\\.", ""), r.getPrimaryResult().getScore());
        }
        long plainBytes = wireBytes(false);
        long uiBytes = wireBytes(true);
        System.out.printf("%n== UI message stream against plain SSE (%s, %d cpus, %d fork(s) x %d iterations)%n",
                Runtime.version(), Runtime.getRuntime().availableProcessors(), forks, iterations);
        System.out.printf("%-40s %12s %12s %8s %8s%n", "figure, per token", "UI stream", "plain SSE", "ratio",
                "target");
        row("served (SseResponse to a sink), ns", nsPerToken.get("servedUiMessageStream"),
                nsPerToken.get("servedPlainSse"), "<= 1.3");
        row("encoded only, ns", nsPerToken.get("encodedUiMessageStream"), nsPerToken.get("encodedPlainSse"), "");
        row("bytes on the wire", (double) uiBytes / TOKENS, (double) plainBytes / TOKENS, "");
    }

    private static void row(String what, Double ours, Double baseline, String target) {
        if (ours == null || baseline == null) {
            return;
        }
        System.out.printf(Locale.ROOT, "%-40s %12.1f %12.1f %8.2f %8s%n", what, ours, baseline, ours / baseline,
                target);
    }

    /** Serves one answer into a counting sink and returns the bytes written. */
    private static long wireBytes(boolean ui) {
        long[] count = {0};
        OutputStream counting = new OutputStream() {
            @Override
            public void write(int b) {
                count[0]++;
            }

            @Override
            public void write(byte[] b, int off, int len) {
                count[0] += len;
            }
        };
        Answer a = new Answer();
        a.setUp();
        SseSink sink = SseSink.of((name, value) -> { }, () -> counting);
        if (ui) {
            a.sse.stream(sink, UiMessageStream.llm(a.events.stream(), "msg-benchmark"));
        } else {
            a.sse.streamTokens(sink, a.tokens.stream());
        }
        return count[0];
    }
}
