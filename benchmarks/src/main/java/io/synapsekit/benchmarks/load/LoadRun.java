package io.synapsekit.benchmarks.load;

import io.synapsekit.benchmarks.load.LoadClients.Client;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One client running one scenario in a JVM of its own, so that its CPU time, RSS and thread counts are its own.
 * Started by {@link LoadHarness}; prints one {@code RESULT key=value …} line.
 *
 * <p>Args: {@code <client> <scenario> <port> <count> <tokens> <paceMillis>}. Scenarios: {@code single} (count
 * streams one after another, the median timed), {@code sequential} (count short requests in a row),
 * {@code concurrent} (count streams at once, each on its own virtual thread), {@code ttft} (count requests in a row,
 * time to first token each).
 */
public final class LoadRun {

    private LoadRun() {
    }

    public static void main(String[] args) throws Exception {
        String clientName = args[0];
        String scenario = args[1];
        int port = Integer.parseInt(args[2]);
        int count = Integer.parseInt(args[3]);
        int tokens = Integer.parseInt(args[4]);
        int pace = Integer.parseInt(args[5]);
        Client client = LoadClients.of(clientName);
        String host = "http://127.0.0.1:" + port;
        // Warm-up, the same for every client: the JIT sees long and short streams and a small burst.
        int[] warmRounds = {0};
        Thread.ofVirtual().start(() -> {
            try {
                for (int i = 0; i < 3; i++) {
                    client.stream(url(host, 20_000, 0), "warm-up", () -> { });
                }
                for (int i = 0; i < 300; i++) {
                    client.stream(url(host, 20, 0), "warm-up", () -> { });
                }
                concurrent(client, url(host, 20, 1), 100, 20, 1);
                if (scenario.equals("concurrent") || scenario.equals("hold")) {
                    // As many short streams at once as the scenario will run, so its connections are open and
                    // pooled (HTTP/1.1 keep-alive) when it starts: the scenario then measures streaming, not a
                    // burst of `count` TCP connects and first requests in the same millisecond, which took
                    // 0.8-1.7 s for every client alike, the bytes-only reader included (see the README).
                    concurrent(client, url(host, 2, 1), count, 2, 1);
                }
                warmRounds[0] = warmUntilCompiled(() -> {
                    switch (scenario) {
                        case "single" -> client.stream(url(host, tokens / 10, 0), "warm-up", () -> { });
                        case "concurrent" -> concurrent(client, url(host, tokens, pace), Math.min(count, 1000),
                                tokens, pace);
                        case "hold" -> concurrent(client, url(host, 50, 20), Math.min(count, 1000), 50, 20);
                        default -> sequential(client, url(host, tokens, pace), 1_000, tokens);
                    }
                });
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }).join();
        System.gc();
        ProcessProbe.resetPeakRss();

        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        threads.resetPeakThreadCount();
        jdk.jfr.Recording recording = ProcessProbe.startRecording();
        Map<String, long[]> tasks0 = ProcessProbe.taskTimes();
        if (Boolean.getBoolean("load.threads")) {
            System.out.println("MEASURED PART STARTS"); // a marker for -XX:+PrintCompilation output
        }
        long cpu0 = os.getProcessCpuTime();
        long jit0 = ManagementFactory.getCompilationMXBean().getTotalCompilationTime();
        Result r = switch (scenario) {
            case "single" -> single(client, url(host, tokens, 0), count, tokens);
            case "sequential", "ttft" -> sequential(client, url(host, tokens, pace), count, tokens);
            case "concurrent" -> concurrent(client, url(host, tokens, pace), count, tokens, pace);
            case "hold" -> hold(client, url(host, tokens, pace), count, tokens);
            default -> throw new IllegalArgumentException(scenario);
        };
        long cpu = os.getProcessCpuTime() - cpu0;
        long jitMs = ManagementFactory.getCompilationMXBean().getTotalCompilationTime() - jit0;
        if (Boolean.getBoolean("load.threads")) {
            ProcessProbe.printTaskTimes(tasks0, ProcessProbe.taskTimes());
        }
        ProcessProbe.stopRecording(recording);
        System.out.printf(Locale.ROOT, "RESULT client=%s scenario=%s wallMs=%.1f tokens=%d failures=%d cpuS=%.3f "
                        + "rssMb=%.1f threads=%d lateP50Ms=%.2f lateP99Ms=%.2f ttftP50Ms=%.3f timedMs=%.2f firstP50Ms=%.2f "
                        + "firstP99Ms=%.2f relP50Ms=%.2f relP99Ms=%.2f lastFirstMs=%.2f jitMs=%d warmups=%d"
                        + " heapPerStream=%.0f rssPerStreamKb=%.2f%n",
                clientName, scenario, r.wallNanos / 1e6, r.tokens, r.failures, cpu / 1e9, ProcessProbe.peakRssMb(),
                threads.getPeakThreadCount(), r.lateP50 / 1e6, r.lateP99 / 1e6, r.ttftP50 / 1e6, r.timedNanos / 1e6,
                split[0] / 1e6, split[1] / 1e6, split[2] / 1e6, split[3] / 1e6, split[4] / 1e6, jitMs,
                warmRounds[0], held[0], held[1]);
        if (r.firstError != null) {
            System.out.println("FIRST-ERROR " + r.firstError);
        }
        System.exit(0);
    }

    interface Round {
        void run() throws Exception;
    }

    /**
     * Runs a copy of the scenario until the JIT is done with it, so that the measured part is the steady state: at
     * least 3 rounds, then until a round's compilation time is under 5 % of its wall time, at most 10 (the JIT
     * never quite stops: at 2 % most clients ran the 30 rounds allowed). A round must be large enough to carry
     * per-request methods past C2's thresholds (thousands of calls): with rounds of 100 requests, hundreds of
     * HttpClient and Jackson methods were still compiled at tier 4 during the measured 2,000 requests.
     * With a fixed warm-up, the compiler threads took 0.4-0.9 s of the 1.8-2.4 s CPU of a measured 1,000-stream
     * burst (per-thread times, {@code -Dload.threads=true}) and delayed its first tokens by 100-300 ms.
     */
    static int warmUntilCompiled(Round round) throws Exception {
        java.lang.management.CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        for (int i = 1; ; i++) {
            long compiled0 = jit.getTotalCompilationTime();
            long t0 = System.nanoTime();
            round.run();
            long wallMs = (System.nanoTime() - t0) / 1_000_000;
            long compiledMs = jit.getTotalCompilationTime() - compiled0;
            if (i >= 10 || (i >= 3 && compiledMs * 20 < wallMs)) {
                awaitCompilerIdle(jit);
                return i;
            }
        }
    }

    /**
     * Waits (at most 20 s) until the JIT has compiled nothing for 300 ms. On two cores one C2 thread falls behind a
     * busy warm-up, and without this wait it worked through its queue during the measured part: 0.5-1.7 s of
     * compilation inside a measured 2,000 requests in a row, after 10,000 requests of warm-up.
     */
    static void awaitCompilerIdle(java.lang.management.CompilationMXBean jit) throws InterruptedException {
        long deadline = System.nanoTime() + 20_000_000_000L;
        long last = jit.getTotalCompilationTime();
        while (System.nanoTime() < deadline) {
            Thread.sleep(300);
            long now = jit.getTotalCompilationTime();
            if (now == last) {
                return;
            }
            last = now;
        }
    }

    static String url(String host, int tokens, int pace) {
        return host + "/t/" + tokens + "/p/" + pace + "/v1";
    }

    /**
     * The concurrent scenarios' lateness split in two (all 0 elsewhere): {first-token lateness p50, p99, lateness
     * of the later tokens relative to their stream's first token p50, p99, and when the last stream's first token
     * arrived, from the start of the scenario}. The first token's lateness is connection set-up, request and
     * response headers under a burst of {@code count} at once; the relative lateness is the streaming itself.
     */
    static final long[] split = new long[5];

    /** The hold scenario's readings (0 elsewhere): {live heap bytes per open stream, RSS KB per open stream}. */
    static final double[] held = new double[2];

    /**
     * {@code count} streams at once, one virtual thread each, held open: once every stream has its first token
     * (the rest are {@code pace} ms apart, long enough to read the heap in between), the live heap by class and the
     * RSS are read against the same readings idle before the burst ({@link HeapProbe}); then all are read to the
     * end. What one open stream holds, class by class, without the garbage of a busy burst.
     */
    static Result hold(Client client, String url, int count, int tokens) throws Exception {
        Map<String, HeapProbe.Count> idle = HeapProbe.histogram();
        double idleRss = HeapProbe.rssMb();
        if (Boolean.getBoolean("load.idleHeap")) { // a diagnostic: what the pooled connections hold, per connection
            HeapProbe.printPerStream(Map.of(), idle, count);
        }
        java.util.concurrent.CountDownLatch open = new java.util.concurrent.CountDownLatch(count);
        AtomicLong total = new AtomicLong();
        AtomicInteger failures = new AtomicInteger();
        String[] error = {null};
        List<Thread> all = new ArrayList<>(count);
        long w0 = System.nanoTime();
        for (int i = 0; i < count; i++) {
            int s = i;
            all.add(Thread.ofVirtual().start(() -> {
                boolean[] first = {true};
                try {
                    int n = client.stream(url, "Stream " + s, () -> {
                        if (first[0]) {
                            first[0] = false;
                            open.countDown();
                        }
                    });
                    count(n, tokens, total, failures, error);
                } catch (Exception e) {
                    failures.incrementAndGet();
                    error[0] = e.toString();
                } finally {
                    if (first[0]) {
                        open.countDown();
                    }
                }
            }));
        }
        if (!open.await(120, java.util.concurrent.TimeUnit.SECONDS)) {
            throw new IllegalStateException(open.getCount() + " streams still without a first token");
        }
        long openAt = System.nanoTime();
        Map<String, HeapProbe.Count> held = HeapProbe.histogram();
        double rss = HeapProbe.rssMb();
        long readMs = (System.nanoTime() - openAt) / 1_000_000;
        String dump = System.getProperty("load.heapDump");
        if (dump != null) { // a diagnostic: the heap with the streams open, for attributing the arrays by referrer
            ManagementFactory.getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class).dumpHeap(dump, true);
        }
        LoadRun.held[0] = HeapProbe.printPerStream(idle, held, count);
        LoadRun.held[1] = (rss - idleRss) * 1024 / count;
        System.out.printf(Locale.ROOT, "HEAP idle live heap %.0f MB (%d pooled connections), with the streams open"
                + " %.0f MB%n", HeapProbe.total(idle) / 1e6, count, HeapProbe.total(held) / 1e6);
        System.out.printf(Locale.ROOT, "HEAP RSS idle %.0f MB, with %d open %.0f MB: %.1f KB per stream (read in %d ms,"
                + " all open %d ms after the start)%n", idleRss, count, rss, LoadRun.held[1], readMs,
                (openAt - w0) / 1_000_000);
        for (Thread t : all) {
            t.join();
        }
        long wall = System.nanoTime() - w0;
        return new Result(wall, total.get(), failures.get(), 0, 0, 0, wall, error[0]);
    }

    record Result(long wallNanos, long tokens, int failures, long lateP50, long lateP99, long ttftP50,
            long timedNanos, String firstError) {
    }

    /** {@code count} long streams in a row; timedNanos is the median stream's time. */
    static Result single(Client client, String url, int count, int tokens) throws Exception {
        long[] times = new long[count];
        long total = 0;
        int failures = 0;
        String error = null;
        long w0 = System.nanoTime();
        for (int i = 0; i < count; i++) {
            long t0 = System.nanoTime();
            try {
                int n = client.stream(url, "Tell me a long story", () -> { });
                n = n < 0 ? tokens : n;
                total += n;
                if (n != tokens) {
                    failures++;
                    error = "got " + n + " tokens of " + tokens;
                }
            } catch (Exception e) {
                failures++;
                error = e.toString();
            }
            times[i] = System.nanoTime() - t0;
        }
        long wall = System.nanoTime() - w0;
        Arrays.sort(times);
        return new Result(wall, total, failures, 0, 0, 0, times[count / 2], error);
    }

    /** {@code count} requests in a row; records each one's time to first token. */
    static Result sequential(Client client, String url, int count, int tokens) {
        long[] ttft = new long[count];
        long total = 0;
        int failures = 0;
        String error = null;
        long w0 = System.nanoTime();
        for (int i = 0; i < count; i++) {
            long t0 = System.nanoTime();
            long[] first = {0};
            try {
                int n = client.stream(url, "Why is the sky blue?", () -> {
                    if (first[0] == 0) {
                        first[0] = System.nanoTime();
                    }
                });
                n = n < 0 ? tokens : n;
                total += n;
                if (n != tokens) {
                    failures++;
                    error = "got " + n + " tokens of " + tokens;
                }
            } catch (Exception e) {
                failures++;
                error = e.toString();
            }
            ttft[i] = first[0] == 0 ? Long.MAX_VALUE : first[0] - t0;
        }
        long wall = System.nanoTime() - w0;
        String series = System.getProperty("load.series");
        if (series != null) { // a diagnostic: each request's time to first token in order, in microseconds
            StringBuilder text = new StringBuilder();
            for (long t : ttft) {
                text.append(t == Long.MAX_VALUE ? "-" : String.format(Locale.ROOT, "%.1f", t / 1e3)).append('\n');
            }
            try {
                java.nio.file.Files.writeString(java.nio.file.Path.of(series), text);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        Arrays.sort(ttft);
        return new Result(wall, total, failures, 0, 0, ttft[count / 2], wall, error);
    }

    /**
     * {@code count} streams at once, one virtual thread each; lateness of token {@code i} is its arrival minus
     * (the stream's start + {@code i * pace}); the bytes-only reader reports only its first byte.
     */
    static Result concurrent(Client client, String url, int count, int tokens, int pace) throws Exception {
        long[][] late = new long[count][];
        AtomicLong total = new AtomicLong();
        AtomicInteger failures = new AtomicInteger();
        String[] error = {null};
        List<Thread> all = new ArrayList<>(count);
        long[] starts = new long[count];
        long lastFirst = 0;
        long heapAt = Long.getLong("load.heapAt", -1);
        Map<String, HeapProbe.Count> idle = heapAt >= 0 && count >= 10_000 ? HeapProbe.histogram() : null;
        long w0 = System.nanoTime();
        if (idle != null) { // a diagnostic: the live heap by class, heapAt ms into the burst, / count
            Thread.ofPlatform().daemon().start(() -> {
                try {
                    Thread.sleep(heapAt);
                    HeapProbe.printPerStream(idle, HeapProbe.histogram(), count);
                } catch (Exception e) {
                    System.out.println("HEAP probe failed: " + e);
                }
            });
        }
        for (int i = 0; i < count; i++) {
            int s = i;
            all.add(Thread.ofVirtual().start(() -> {
                long[] l = new long[tokens];
                int[] k = {0};
                long t0 = System.nanoTime();
                starts[s] = t0;
                try {
                    int n = client.stream(url, "Stream " + s, () -> {
                        if (k[0] < l.length) {
                            l[k[0]] = System.nanoTime() - (t0 + (long) k[0] * pace * 1_000_000L);
                            k[0]++;
                        }
                    });
                    count(n, tokens, total, failures, error);
                } catch (Exception e) {
                    failures.incrementAndGet();
                    error[0] = e.toString();
                }
                late[s] = Arrays.copyOf(l, k[0]);
            }));
        }
        for (Thread t : all) {
            t.join();
        }
        long wall = System.nanoTime() - w0;
        int n = 0;
        for (long[] l : late) {
            n += l.length;
        }
        long[] flat = new long[n];
        int at = 0;
        for (long[] l : late) {
            System.arraycopy(l, 0, flat, at, l.length);
            at += l.length;
        }
        Arrays.sort(flat);
        long p50 = n == 0 ? 0 : flat[n / 2];
        long p99 = n == 0 ? 0 : flat[Math.min(n - 1, (int) (n * 0.99))];
        long[] firsts = new long[count];
        long[] rel = new long[Math.max(0, n - count)];
        int nf = 0;
        int nr = 0;
        for (int s = 0; s < count; s++) {
            long[] l = late[s];
            if (l.length == 0) {
                continue;
            }
            firsts[nf++] = l[0];
            lastFirst = Math.max(lastFirst, starts[s] - w0 + l[0]);
            for (int j = 1; j < l.length && nr < rel.length; j++) {
                rel[nr++] = l[j] - l[0]; // how much later than its stream's first token allowed
            }
        }
        Arrays.sort(firsts, 0, nf);
        Arrays.sort(rel, 0, nr);
        split[0] = nf == 0 ? 0 : firsts[nf / 2];
        split[1] = nf == 0 ? 0 : firsts[Math.min(nf - 1, (int) (nf * 0.99))];
        split[2] = nr == 0 ? 0 : rel[nr / 2];
        split[3] = nr == 0 ? 0 : rel[Math.min(nr - 1, (int) (nr * 0.99))];
        split[4] = lastFirst;
        return new Result(wall, total.get(), failures.get(), p50, p99, 0, wall, error[0]);
    }

    /** Counts one stream's tokens ({@code n < 0}: it counted none itself, all arrived), a wrong count as a failure. */
    private static void count(int n, int tokens, AtomicLong total, AtomicInteger failures, String[] error) {
        int got = n < 0 ? tokens : n;
        total.addAndGet(got);
        if (got != tokens) {
            failures.incrementAndGet();
            error[0] = "got " + got + " tokens of " + tokens;
        }
    }
}
