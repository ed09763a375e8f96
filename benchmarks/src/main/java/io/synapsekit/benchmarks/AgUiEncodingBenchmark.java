package io.synapsekit.benchmarks;

import io.synapsekit.llm.LLMEvent;
import io.synapsekit.server.SseOutcome;
import io.synapsekit.server.SseResponse;
import io.synapsekit.server.SseSink;
import io.synapsekit.server.agui.AgUiStreams;
import io.synapsekit.server.agui.RunAgentInput;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The cost per token of answering as AG-UI, as a ratio to our plain SSE token stream, both measured in one run.
 *
 * <p>Both serve the same 10,000 tokens (a realistic mix of word pieces, punctuation, quotes, newlines and
 * multi-byte text) through {@code SseResponse} to a sink that counts bytes: the baseline as {@code streamTokens}
 * (one {@code data:} per token, ids, {@code [DONE]}), AG-UI as {@code AgUiStreams.llm} over the same tokens as
 * {@code LLMEvent.Token}s ({@code RUN_STARTED}, a text message of one {@code TEXT_MESSAGE_CONTENT} JSON object per
 * token, {@code RUN_FINISHED}). The source is in memory, so the figure is the encoding and relay, not a model.
 * Run: {@code java -cp benchmarks/target/benchmarks.jar io.synapsekit.benchmarks.AgUiEncodingBenchmark [pairs]}.
 * Target: at most 1.3×.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {"-Xmx1g"})
public class AgUiEncodingBenchmark {

    static final int TOKENS = 10_000;
    private static final String[] PIECES = {"The", " model", " streams", " tokens", ",", " one", " by", " one",
        ".", "\n", " \"quoted\"", " naïve", " café", " 東京", " ✓", " x<y>&z", "\t"};

    @State(Scope.Benchmark)
    public static class Tokens {
        List<String> text;
        List<LLMEvent> events;
        final SseResponse plain = SseResponse.create();
        final SseResponse agUi = SseResponse.builder().sendDone(false).build();
        final RunAgentInput input = RunAgentInput.parse(
                "{\"threadId\":\"thread-1\",\"runId\":\"run-1\",\"messages\":[]}");

        @Setup(Level.Trial)
        public void setUp() {
            Random random = new Random(42);
            text = new ArrayList<>(TOKENS);
            events = new ArrayList<>(TOKENS);
            for (int i = 0; i < TOKENS; i++) {
                String t = PIECES[random.nextInt(PIECES.length)];
                text.add(t);
                events.add(new LLMEvent.Token(t));
            }
        }
    }

    /** A sink that discards the body and counts its bytes. */
    static final class CountingSink implements SseSink {
        long bytes;

        @Override
        public void header(String name, String value) {
        }

        @Override
        public OutputStream open() {
            return new OutputStream() {
                @Override
                public void write(int b) {
                    bytes++;
                }

                @Override
                public void write(byte[] b, int off, int len) {
                    bytes += len;
                }
            };
        }
    }

    @Benchmark
    public long plainSse(Tokens t) {
        CountingSink sink = new CountingSink();
        SseOutcome outcome = t.plain.streamTokens(sink, t.text.stream());
        return sink.bytes + outcome.ordinal();
    }

    @Benchmark
    public long agUi(Tokens t) {
        CountingSink sink = new CountingSink();
        SseOutcome outcome = t.agUi.stream(sink, AgUiStreams.llm(t.input, t.events.stream()));
        return sink.bytes + outcome.ordinal();
    }

    /**
     * Runs both paths in interleaved pairs (so that a change of load on the shared machine hits both alike) and
     * prints the medians: per token, and of the per-pair ratios. {@code [pairs]} defaults to 201, after 100 pairs
     * of warm-up; the JMH methods above measure the same paths one after the other instead.
     */
    public static void main(String[] args) {
        int pairs = args.length > 0 ? Integer.parseInt(args[0]) : 201;
        Tokens t = new Tokens();
        t.setUp();
        AgUiEncodingBenchmark b = new AgUiEncodingBenchmark();
        long sink = 0;
        for (int i = 0; i < 100; i++) {
            sink += b.plainSse(t) + b.agUi(t);
        }
        double[] plain = new double[pairs];
        double[] agUi = new double[pairs];
        double[] ratio = new double[pairs];
        for (int i = 0; i < pairs; i++) {
            boolean plainFirst = i % 2 == 0;
            long p0 = 0;
            long p1 = 0;
            long a0;
            long a1;
            if (plainFirst) {
                p0 = System.nanoTime();
                sink += b.plainSse(t);
                p1 = System.nanoTime();
            }
            a0 = System.nanoTime();
            sink += b.agUi(t);
            a1 = System.nanoTime();
            if (!plainFirst) {
                p0 = System.nanoTime();
                sink += b.plainSse(t);
                p1 = System.nanoTime();
            }
            plain[i] = (double) (p1 - p0) / TOKENS;
            agUi[i] = (double) (a1 - a0) / TOKENS;
            ratio[i] = agUi[i] / plain[i];
        }
        CountingSink plainBytes = new CountingSink();
        t.plain.streamTokens(plainBytes, t.text.stream());
        CountingSink agUiBytes = new CountingSink();
        t.agUi.stream(agUiBytes, AgUiStreams.llm(t.input, t.events.stream()));
        System.out.printf("%n== AG-UI encoding (%s, %d cpus, %d interleaved pairs of %,d-token streams; %d)%n",
                Runtime.version(), Runtime.getRuntime().availableProcessors(), pairs, TOKENS, sink % 10);
        System.out.printf("%-34s %12s %12s %8s %8s%n", "figure", "AG-UI", "plain SSE", "ratio", "target");
        System.out.printf("%-34s %12.1f %12.1f %7.2fx %8s%n", "time per token, ns (median)", median(agUi),
                median(plain), median(agUi) / median(plain), "<= 1.3x");
        System.out.printf("%-34s %12s %12s %7.2fx %8s%n", "median of the per-pair ratios", "", "", median(ratio),
                "<= 1.3x");
        System.out.printf("%-34s %12.1f %12.1f %7.2fx %8s%n", "bytes per token", (double) agUiBytes.bytes / TOKENS,
                (double) plainBytes.bytes / TOKENS, (double) agUiBytes.bytes / plainBytes.bytes, "-");
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        java.util.Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
