package io.synapsekit.benchmarks;

import io.synapsekit.rag.Chunk;
import io.synapsekit.rag.RetrievedChunk;
import io.synapsekit.rag.retrieval.Bm25Retriever;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Random;

/**
 * BM25 indexing and query speed over 100,000 chunks, against a naive scorer measured in the same run that scans
 * every chunk for each query and counts the query terms it holds (binary search in each chunk's sorted term ids).
 *
 * <p>Run: {@code java -cp core/target/classes:rag/target/classes:benchmarks/target/classes:<jackson and slf4j jars>
 * io.synapsekit.benchmarks.Bm25Benchmark [chunks] [queries]} (JDK 21+). The corpus is synthetic: words drawn
 * from a Zipf-distributed vocabulary of 30,000, about 60 words (≈450 characters) per chunk, so common terms have
 * long postings lists as in real text. Prints indexing throughput, query latency (median and p99) and the ratio
 * of query speed to the baseline's.
 */
public final class Bm25Benchmark {

    private static final int VOCABULARY = 30_000;
    private static final int WORDS_PER_CHUNK = 60;

    private Bm25Benchmark() {
    }

    public static void main(String[] args) {
        int chunkCount = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        int queryCount = args.length > 1 ? Integer.parseInt(args[1]) : 2_000;
        Random random = new Random(42);
        String[] words = vocabulary(random);
        double[] zipf = zipfCumulative();
        List<Chunk> chunks = new ArrayList<>(chunkCount);
        for (int i = 0; i < chunkCount; i++) {
            chunks.add(new Chunk("c" + i, "d" + i / 10, sentence(random, words, zipf, WORDS_PER_CHUNK), Map.of()));
        }
        List<String> queries = new ArrayList<>(queryCount);
        for (int i = 0; i < queryCount; i++) {
            queries.add(sentence(random, words, zipf, 3 + random.nextInt(4)));
        }
        long chars = chunks.stream().mapToLong(c -> c.text().length()).sum();
        System.out.printf("corpus: %,d chunks, %.1f MB of text, vocabulary %,d, %d-word chunks; %s, %d cpus%n",
                chunkCount, chars / 1e6, VOCABULARY, WORDS_PER_CHUNK, Runtime.version(),
                Runtime.getRuntime().availableProcessors());

        long sink = 0;
        // Index twice: the first run warms the JIT up, the second is measured.
        for (int round = 0; round < 2; round++) {
            Bm25Retriever warm = new Bm25Retriever();
            long t0 = System.nanoTime();
            for (int i = 0; i < chunks.size(); i += 1000) {
                warm.add(chunks.subList(i, Math.min(chunks.size(), i + 1000)));
            }
            long t1 = System.nanoTime();
            if (round == 1) {
                System.out.printf("Bm25Retriever.add     %,10.0f chunks/s  (%.2f s for all, batches of 1000)%n",
                        chunkCount / ((t1 - t0) / 1e9), (t1 - t0) / 1e9);
            }
            sink += warm.size();
        }
        Bm25Retriever bm25 = new Bm25Retriever();
        for (int i = 0; i < chunks.size(); i += 1000) {
            bm25.add(chunks.subList(i, Math.min(chunks.size(), i + 1000)));
        }

        long b0 = System.nanoTime();
        NaiveScan naive = new NaiveScan(chunks);
        long b1 = System.nanoTime();
        System.out.printf("baseline index        %,10.0f chunks/s  (%.2f s: term ids per chunk, no postings)%n",
                chunkCount / ((b1 - b0) / 1e9), (b1 - b0) / 1e9);

        for (int i = 0; i < 200; i++) { // warm-up
            sink += bm25.retrieve(queries.get(i % queries.size()), 5).size();
            sink += naive.retrieve(queries.get(i % queries.size()), 5).size();
        }
        long[] bm25Nanos = new long[queries.size()];
        for (int i = 0; i < queries.size(); i++) {
            long t0 = System.nanoTime();
            List<RetrievedChunk> found = bm25.retrieve(queries.get(i), 5);
            bm25Nanos[i] = System.nanoTime() - t0;
            sink += found.size();
        }
        int naiveQueries = Math.min(queries.size(), 300);
        long[] naiveNanos = new long[naiveQueries];
        for (int i = 0; i < naiveQueries; i++) {
            long t0 = System.nanoTime();
            sink += naive.retrieve(queries.get(i), 5).size();
            naiveNanos[i] = System.nanoTime() - t0;
        }
        double bm25Median = percentile(bm25Nanos, 0.5) / 1e6;
        double naiveMedian = percentile(naiveNanos, 0.5) / 1e6;
        System.out.printf("Bm25Retriever.retrieve  median %7.3f ms  p99 %7.3f ms  %,8.0f queries/s (%d queries, k=5)%n",
                bm25Median, percentile(bm25Nanos, 0.99) / 1e6, queries.size() / (sum(bm25Nanos) / 1e9), queries.size());
        System.out.printf("baseline scan-all       median %7.3f ms  p99 %7.3f ms  %,8.0f queries/s (%d queries)%n",
                naiveMedian, percentile(naiveNanos, 0.99) / 1e6, naiveQueries / (sum(naiveNanos) / 1e9), naiveQueries);
        System.out.printf("ratio median latency baseline/bm25  %6.1fx%n", naiveMedian / bm25Median);
        Runtime rt = Runtime.getRuntime();
        System.out.printf("heap in use after both indexes: %.0f MB%n", (rt.totalMemory() - rt.freeMemory()) / 1e6);
        System.out.println("(checksum " + sink + ")");
    }

    /** The baseline: for each query, every chunk is visited and its matching query terms counted. */
    static final class NaiveScan {
        private final List<Chunk> chunks;
        private final Map<String, Integer> ids = new HashMap<>();
        private final int[][] terms;

        NaiveScan(List<Chunk> chunks) {
            this.chunks = chunks;
            this.terms = new int[chunks.size()][];
            for (int i = 0; i < chunks.size(); i++) {
                terms[i] = Arrays.stream(split(chunks.get(i).text()))
                        .mapToInt(w -> ids.computeIfAbsent(w, x -> ids.size())).distinct().sorted().toArray();
            }
        }

        List<Chunk> retrieve(String query, int k) {
            int[] q = Arrays.stream(split(query)).mapToInt(w -> ids.getOrDefault(w, -1)).filter(x -> x >= 0)
                    .distinct().toArray();
            int[] score = new int[chunks.size()];
            PriorityQueue<Integer> best = new PriorityQueue<>((x, y) -> Integer.compare(score[x], score[y]));
            int floor = 0;
            for (int c = 0; c < chunks.size(); c++) {
                for (int t : q) {
                    if (Arrays.binarySearch(terms[c], t) >= 0) {
                        score[c]++;
                    }
                }
                if (score[c] > floor) { // same top-k selection as Bm25Retriever: only a better chunk enters
                    best.add(c);
                    if (best.size() > k) {
                        best.poll();
                        floor = score[best.peek()];
                    }
                }
            }
            List<Chunk> out = new ArrayList<>();
            while (!best.isEmpty()) {
                out.add(0, chunks.get(best.poll()));
            }
            return out;
        }

        private static String[] split(String text) {
            return text.toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{Nd}]+");
        }
    }

    static String[] vocabulary(Random random) {
        String[] syllables = {"ka", "lo", "mi", "ren", "to", "sa", "vel", "dor", "in", "qua", "ze", "pho", "lin", "gra",
            "tu", "bel", "nor", "ix", "ost", "ume"};
        String[] words = new String[VOCABULARY];
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (int i = 0; i < VOCABULARY; ) {
            StringBuilder w = new StringBuilder();
            int n = 2 + random.nextInt(3);
            for (int s = 0; s < n; s++) {
                w.append(syllables[random.nextInt(syllables.length)]);
            }
            if (seen.add(w.toString())) {
                words[i++] = w.toString();
            }
        }
        return words;
    }

    static double[] zipfCumulative() {
        double[] c = new double[VOCABULARY];
        double total = 0;
        for (int r = 0; r < VOCABULARY; r++) {
            total += 1.0 / (r + 1);
            c[r] = total;
        }
        for (int r = 0; r < VOCABULARY; r++) {
            c[r] /= total;
        }
        return c;
    }

    static String sentence(Random random, String[] words, double[] zipf, int length) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < length; i++) {
            int at = Arrays.binarySearch(zipf, random.nextDouble());
            int rank = at >= 0 ? at : Math.min(zipf.length - 1, -at - 1);
            s.append(i == 0 ? "" : " ").append(words[rank]);
        }
        return s.append('.').toString();
    }

    static double percentile(long[] nanos, double p) {
        long[] v = nanos.clone();
        Arrays.sort(v);
        return v[Math.min(v.length - 1, (int) (p * v.length))];
    }

    static long sum(long[] nanos) {
        long s = 0;
        for (long n : nanos) {
            s += n;
        }
        return s;
    }
}
