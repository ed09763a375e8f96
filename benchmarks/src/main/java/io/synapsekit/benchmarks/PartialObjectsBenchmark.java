package io.synapsekit.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.synapsekit.internal.json.IncrementalJsonReader;
import io.synapsekit.llm.ChatMessage;
import io.synapsekit.llm.GenerateOptions;
import io.synapsekit.llm.LLM;
import io.synapsekit.llm.LLMEvent;
import io.synapsekit.stream.CloseableIterator;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.stream.Stream;
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
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Partial objects: the incremental JSON reader behind {@code LLM.streamObjects}, fed a 2 KB structured answer one
 * character at a time, against one Jackson {@code readTree} of the whole answer, in the same run. Also the whole
 * {@code streamObjects} path (reader plus binding a partial record at each completed value) against one Jackson
 * {@code readValue} of the whole answer into the record.
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar io.synapsekit.benchmarks.PartialObjectsBenchmark
 * [forks] [iterations]}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {"-Xmx1g"})
public class PartialObjectsBenchmark {

    /** A structured answer's record: nested records, lists, numbers, an enum. */
    public record Stop(String city, int nights, List<String> sights, double rating) {}

    public record Budget(int total, String currency) {}

    public enum Mode { TRAIN, CAR, PLANE }

    public record Trip(String title, String summary, List<Stop> stops, Budget budget, Mode mode) {}

    static Trip trip() {
        return new Trip("A slow tour of Europe",
                "Two weeks by train through old towns, with time for museums, markets and long lunches in between.",
                IntStream.range(0, 15).mapToObj(i -> new Stop("City number " + i, 1 + i % 3,
                        List.of("the cathedral of city " + i, "the market hall", "a walk by the river"), 4.0 + i / 10.0))
                        .toList(),
                new Budget(3200, "EUR"), Mode.TRAIN);
    }

    @State(Scope.Benchmark)
    public static class Answer {
        final ObjectMapper mapper = new ObjectMapper();
        String json;
        String[] oneCharChunks;
        List<LLMEvent> oneCharTokens;
        LLM llm;

        @Setup(Level.Trial)
        public void setUp() throws Exception {
            json = mapper.writeValueAsString(trip());
            oneCharChunks = new String[json.length()];
            oneCharTokens = new ArrayList<>(json.length() + 1);
            for (int i = 0; i < json.length(); i++) {
                oneCharChunks[i] = json.substring(i, i + 1);
                oneCharTokens.add(new LLMEvent.Token(oneCharChunks[i]));
            }
            oneCharTokens.add(new LLMEvent.Finish("stop"));
            llm = new LLM() {
                @Override
                public CloseableIterator<LLMEvent> eventIterator(List<ChatMessage> messages, GenerateOptions options) {
                    Iterator<LLMEvent> it = oneCharTokens.iterator();
                    return new CloseableIterator<>() {
                        @Override
                        public boolean hasNext() {
                            return it.hasNext();
                        }

                        @Override
                        public LLMEvent next() {
                            return it.next();
                        }

                        @Override
                        public void close() {
                        }
                    };
                }
            };
        }
    }

    @Benchmark
    public JsonNode readerOneCharAtATime(Answer a) {
        IncrementalJsonReader reader = new IncrementalJsonReader();
        for (String c : a.oneCharChunks) {
            reader.feed(c);
        }
        return reader.root();
    }

    @Benchmark
    public JsonNode jacksonReadTreeWhole(Answer a) throws Exception {
        return a.mapper.readTree(a.json);
    }

    @Benchmark
    public long streamObjectsOneCharAtATime(Answer a) {
        try (Stream<Trip> partials = a.llm.streamObjects("plan", Trip.class)) {
            return partials.count();
        }
    }

    @Benchmark
    public Trip jacksonReadValueWhole(Answer a) throws Exception {
        return a.mapper.readValue(a.json, Trip.class);
    }

    public static void main(String[] args) throws Exception {
        int forks = args.length > 0 ? Integer.parseInt(args[0]) : 2;
        int iterations = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        Options options = new OptionsBuilder().include(PartialObjectsBenchmark.class.getName() + "\\.")
                .forks(forks).measurementIterations(iterations).measurementTime(TimeValue.seconds(1))
                .jvm(ProcessHandle.current().info().command().orElse("java")).build();
        Collection<RunResult> results = new Runner(options).run();
        Map<String, Double> ns = new HashMap<>();
        for (RunResult r : results) {
            String name = r.getParams().getBenchmark();
            ns.put(name.substring(name.lastIndexOf('.') + 1), r.getPrimaryResult().getScore());
        }
        Answer a = new Answer();
        a.setUp();
        long partials;
        try (Stream<Trip> s = a.llm.streamObjects("plan", Trip.class)) {
            partials = s.count();
        }
        System.out.printf(Locale.ROOT, "%n== Partial objects (%s, %d cpus, %d fork(s) x %d iterations; %d-char answer, "
                + "%d records streamed)%n", Runtime.version(), Runtime.getRuntime().availableProcessors(), forks,
                iterations, a.json.length(), partials);
        System.out.printf("%-58s %12s %12s %8s %8s%n", "figure (ns per whole answer)", "ours", "baseline", "ratio",
                "target");
        row("incremental reader, 1 char/chunk vs one readTree", ns.get("readerOneCharAtATime"),
                ns.get("jacksonReadTreeWhole"), "<= 3");
        row("streamObjects, 1 char/token vs one readValue", ns.get("streamObjectsOneCharAtATime"),
                ns.get("jacksonReadValueWhole"), "-");
    }

    private static void row(String what, double ours, double baseline, String target) {
        System.out.printf(Locale.ROOT, "%-58s %12.0f %12.0f %8.2f %8s%n", what, ours, baseline, ours / baseline,
                target);
    }
}
