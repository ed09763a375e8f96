package io.synapsekit.benchmarks;

import io.synapsekit.sse.SseEvent;
import io.synapsekit.sse.SseParser;
import io.synapsekit.stream.CloseableIterator;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * SSE parsing throughput against a plain {@code BufferedReader.readLine()} loop over the same bytes, in one run.
 *
 * <p>Run: {@code java -cp core/target/classes:benchmarks/target/classes io.synapsekit.benchmarks.SseParseBenchmark}
 * (JDK 21+). Prints MB/s for both and their ratio, medians of alternating measured rounds after warm-up.
 */
public final class SseParseBenchmark {

    private SseParseBenchmark() {
    }

    public static void main(String[] args) throws IOException {
        byte[] wire = openAiStyleStream(32 * 1024 * 1024);
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 9;
        long sink = 0;
        for (int i = 0; i < 3; i++) { // warm-up
            sink += parser(wire) + baseline(wire);
        }
        double[] parser = new double[rounds];
        double[] baseline = new double[rounds];
        for (int i = 0; i < rounds; i++) {
            long t0 = System.nanoTime();
            sink += parser(wire);
            long t1 = System.nanoTime();
            sink += baseline(wire);
            long t2 = System.nanoTime();
            parser[i] = mbPerSecond(wire.length, t1 - t0);
            baseline[i] = mbPerSecond(wire.length, t2 - t1);
        }
        double p = median(parser);
        double b = median(baseline);
        System.out.printf("input: %.1f MiB of OpenAI-style SSE, %d rounds, %s%n", wire.length / 1048576.0, rounds,
                Runtime.version());
        System.out.printf("SseParser.events            %8.1f MB/s%n", p);
        System.out.printf("BufferedReader.readLine     %8.1f MB/s (baseline: lines only, no SSE semantics)%n", b);
        System.out.printf("ratio parser/baseline       %8.2f%n", p / b);
        System.out.println("(checksum " + sink + ")");
    }

    static long parser(byte[] wire) {
        long n = 0;
        try (CloseableIterator<SseEvent> events = SseParser.events(new ByteArrayInputStream(wire))) {
            while (events.hasNext()) {
                n += events.next().data().length();
            }
        }
        return n;
    }

    static long baseline(byte[] wire) throws IOException {
        long n = 0;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(new ByteArrayInputStream(wire),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                if (line.startsWith("data:")) {
                    n += line.length() - 6;
                }
            }
        }
        return n;
    }

    static byte[] openAiStyleStream(int size) {
        String[] words = {"Retrieval", "-Aug", "mented", " Generation", " is", " a", " technique", " that",
            " combines", " größere", " 検索", " 🌍", " models", ",", " vector", " stores", "."};
        StringBuilder s = new StringBuilder(size + 512);
        int i = 0;
        while (s.length() < size) {
            s.append("data: {\"id\":\"chatcmpl-9x\",\"object\":\"chat.completion.chunk\",\"created\":1732400000,")
                    .append("\"model\":\"gpt-4o-mini\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"")
                    .append(words[i++ % words.length]).append("\"},\"finish_reason\":null}]}\n\n");
        }
        s.append("data: [DONE]\n\n");
        return s.toString().getBytes(StandardCharsets.UTF_8);
    }

    static double mbPerSecond(long bytes, long nanos) {
        return bytes / 1e6 / (nanos / 1e9);
    }

    static double median(double[] values) {
        double[] v = values.clone();
        Arrays.sort(v);
        return v[v.length / 2];
    }
}
