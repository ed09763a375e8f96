package io.synapsekit.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.synapsekit.graph.CompiledGraph;
import io.synapsekit.graph.GraphStreams;
import io.synapsekit.graph.Node;
import io.synapsekit.graph.StateGraph;
import io.synapsekit.llm.LLMStream;
import io.synapsekit.llm.openai.OpenAILLM;
import io.synapsekit.rag.Chunk;
import io.synapsekit.rag.retrieval.Bm25Retriever;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
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
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * The JMH suite: each of our code paths beside its baseline, in one run, then a table of ratios.
 *
 * <ul>
 *   <li>SSE parsing ({@code SseParser}) against a {@code BufferedReader.readLine()} loop over the same 4 MiB;</li>
 *   <li>OpenAI chunk decoding to tokens ({@code OpenAILLM} over an in-memory transport, so the whole decode path
 *       but no socket) against a hand-written {@code readLine} + Jackson {@code readTree} loop;</li>
 *   <li>the token bridge ({@code GraphStreams.streamTokens}) against a bare {@code ArrayBlockingQueue} hand-off
 *       between two virtual threads;</li>
 *   <li>a graph node hop ({@code invoke}) against a direct call, and against a direct call plus one hand-off;</li>
 *   <li>a BM25 query over 100,000 chunks.</li>
 * </ul>
 * Run: {@code java -jar benchmarks/target/benchmarks.jar jmh [forks] [measurement iterations]}.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {"-Xmx2g"})
public class JmhSuite {

    static final int SSE_BYTES = 4 * 1024 * 1024;
    static final int DECODE_TOKENS = 10_000;

    @State(Scope.Benchmark)
    public static class Wire {
        byte[] sse;
        int sseEvents;
        byte[] openAi;
        OpenAILLM llm;
        final ObjectMapper mapper = new ObjectMapper();

        @Setup(Level.Trial)
        public void setUp() {
            sse = SseParseBenchmark.openAiStyleStream(SSE_BYTES);
            sseEvents = new String(sse, StandardCharsets.UTF_8).split("\n\n").length;
            openAi = io.synapsekit.benchmarks.load.MockOpenAIServer.sseBody(DECODE_TOKENS);
            byte[] body = openAi;
            llm = OpenAILLM.builder().baseUrl("http://127.0.0.1:1/v1").apiKey("sk-bench")
                    .transport(new InMemoryTransport(body)).build();
        }
    }

    @Benchmark
    public long sseParser(Wire w) {
        return SseParseBenchmark.parser(w.sse);
    }

    @Benchmark
    public long sseReadLine(Wire w) throws IOException {
        return SseParseBenchmark.baseline(w.sse);
    }

    @Benchmark
    public long decodeSynapseKit(Wire w) {
        long n = 0;
        try (LLMStream tokens = w.llm.open("decode")) {
            while (tokens.hasNext()) {
                n += tokens.next().length();
            }
        }
        return n;
    }

    @Benchmark
    public long decodeReadTree(Wire w) throws IOException {
        long n = 0;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(new ByteArrayInputStream(w.openAi),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                if (!line.startsWith("data: ")) {
                    continue;
                }
                String data = line.substring(6);
                if (data.equals("[DONE]")) {
                    break;
                }
                JsonNode content = w.mapper.readTree(data).path("choices").path(0).path("delta").path("content");
                if (content.isTextual()) {
                    n += content.asText().length();
                }
            }
        }
        return n;
    }

    @State(Scope.Benchmark)
    public static class Graphs {
        Node node;
        CompiledGraph chain;
        CompiledGraph talker;

        @Setup(Level.Trial)
        public void setUp() {
            node = state -> Map.of("n", ((Integer) state.getOrDefault("n", 0)) + 1);
            chain = GraphBridgeBenchmark.chain(node);
            talker = new StateGraph().addNode("talk", state -> {
                for (int i = 0; i < GraphBridgeBenchmark.TOKENS; i++) {
                    GraphStreams.emitToken("tok");
                }
                return null;
            }).setEntryPoint("talk").setFinishPoint("talk").compile();
        }
    }

    @Benchmark
    public long hopInvoke(Graphs g) {
        return GraphBridgeBenchmark.invoke(g.chain);
    }

    @Benchmark
    public long hopDirect(Graphs g) throws Exception {
        return GraphBridgeBenchmark.direct(g.node);
    }

    @Benchmark
    public long hopDirectHandOff(Graphs g) throws Exception {
        return GraphBridgeBenchmark.directHandOff(g.node);
    }

    @Benchmark
    public long bridgeTokens(Graphs g) {
        return GraphBridgeBenchmark.bridge(g.talker);
    }

    @Benchmark
    public long bareQueue() throws InterruptedException {
        return GraphBridgeBenchmark.bare();
    }

    @State(Scope.Benchmark)
    public static class Corpus {
        Bm25Retriever bm25;
        List<String> queries = new ArrayList<>();
        int next;

        @Setup(Level.Trial)
        public void setUp() {
            Random random = new Random(42);
            String[] words = Bm25Benchmark.vocabulary(random);
            double[] zipf = Bm25Benchmark.zipfCumulative();
            List<Chunk> chunks = new ArrayList<>();
            for (int i = 0; i < 100_000; i++) {
                chunks.add(new Chunk("c" + i, "d" + i / 10, Bm25Benchmark.sentence(random, words, zipf, 60), Map.of()));
            }
            bm25 = new Bm25Retriever();
            for (int i = 0; i < chunks.size(); i += 1000) {
                bm25.add(chunks.subList(i, Math.min(chunks.size(), i + 1000)));
            }
            for (int i = 0; i < 1000; i++) {
                queries.add(Bm25Benchmark.sentence(random, words, zipf, 3 + random.nextInt(4)));
            }
        }
    }

    @Benchmark
    public int bm25Query(Corpus c) {
        return c.bm25.retrieve(c.queries.get(c.next++ % c.queries.size()), 5).size();
    }

    public static void main(String[] args) throws Exception {
        // Two forks by default: one fork of the bridge pair read 1.66x in one run and 0.99x over three forks.
        int forks = args.length > 0 ? Integer.parseInt(args[0]) : 2;
        int iterations = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        Options options = new OptionsBuilder().include(JmhSuite.class.getName() + "\\.")
                .forks(forks).measurementIterations(iterations).measurementTime(TimeValue.seconds(1))
                .jvm(ProcessHandle.current().info().command().orElse("java")).build();
        Collection<RunResult> results = new Runner(options).run();
        Map<String, Double> ops = new HashMap<>();
        for (RunResult r : results) {
            String name = r.getParams().getBenchmark();
            ops.put(name.substring(name.lastIndexOf('.') + 1), r.getPrimaryResult().getScore());
        }
        int events = new String(SseParseBenchmark.openAiStyleStream(SSE_BYTES), StandardCharsets.UTF_8)
                .split("\n\n").length;
        double mb = SseParseBenchmark.openAiStyleStream(SSE_BYTES).length / 1e6;
        System.out.printf("%n== JMH ratios (%s, %d cpus, %d fork(s) x %d iterations)%n", Runtime.version(),
                Runtime.getRuntime().availableProcessors(), forks, iterations);
        System.out.printf("%-46s %14s %14s %8s %10s%n", "figure", "ours", "baseline", "ratio", "target");
        row("SSE parse MB/s vs readLine", ops.get("sseParser") * mb, ops.get("sseReadLine") * mb, "-");
        row("SSE parse events/s vs readLine lines", ops.get("sseParser") * events, ops.get("sseReadLine") * events, "-");
        row("OpenAI decode tokens/s vs readLine+readTree", ops.get("decodeSynapseKit") * DECODE_TOKENS,
                ops.get("decodeReadTree") * DECODE_TOKENS, ">= 1.5");
        double bridge = 1e9 / (ops.get("bridgeTokens") * GraphBridgeBenchmark.TOKENS);
        double bare = 1e9 / (ops.get("bareQueue") * GraphBridgeBenchmark.TOKENS);
        rowCost("bridge ns/token vs bare ArrayBlockingQueue", bridge, bare, "<= 1.5");
        double hop = 1e9 / (ops.get("hopInvoke") * GraphBridgeBenchmark.HOPS);
        double direct = 1e9 / (ops.get("hopDirect") * GraphBridgeBenchmark.HOPS);
        double handOff = 1e9 / (ops.get("hopDirectHandOff") * GraphBridgeBenchmark.HOPS);
        rowCost("graph hop ns vs direct call", hop, direct, "-");
        rowCost("graph hop ns vs 2 x (call + one hand-off)", hop, 2 * handOff, "<= 1.0");
        System.out.printf(Locale.ROOT, "%-46s %14.1f %14s%n", "BM25 query over 100,000 chunks, us/query",
                1e6 / ops.get("bm25Query"), "-");
    }

    private static void row(String what, double ours, double baseline, String target) {
        System.out.printf(Locale.ROOT, "%-46s %,14.0f %,14.0f %8.2f %10s%n", what, ours, baseline, ours / baseline,
                target);
    }

    private static void rowCost(String what, double ours, double baseline, String target) {
        System.out.printf(Locale.ROOT, "%-46s %14.1f %14.1f %8.2f %10s%n", what, ours, baseline, ours / baseline,
                target);
    }
}
