package io.synapsekit.benchmarks.connections;

import io.synapsekit.benchmarks.ChildLines;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Memory per open connection of the Vercel AI SDK's UI message stream ({@code UiMessageServlet}) against our plain
 * SSE token stream ({@code SseServlet}), on Jetty 12 with virtual threads, in one run.
 *
 * <p>For each variant a fresh server JVM ({@link StreamingServer}) is started and warmed up; its idle memory is read
 * (live heap after full collections, RSS); then as many clients as {@code --connections} ({@link StreamClient}, one
 * virtual thread and one socket each) ask at once. The scripted model streams {@value #TOKENS} tokens
 * {@code --pace} ms apart and holds every stream halfway until all are open, when the server reads its memory
 * again; each client then reads its stream to the end and checks it arrived whole. Memory per connection is the
 * loaded reading minus the idle one, divided by the connections; CPU is the server process's over the load (the
 * reading's own full collections taken out). Run:
 * {@code java -cp benchmarks/target/benchmarks.jar io.synapsekit.benchmarks.connections.StreamConnectionsBenchmark
 * [--connections 5000] [--pace 25] [--rounds 1] [--histogram N]}; with {@code --histogram N} each server also prints
 * the N classes whose live bytes grew most per held stream (a diagnostic: its own full collections and heap walk
 * add to the server's CPU reading, so leave it off for the figures).
 */
public final class StreamConnectionsBenchmark {

    static final int TOKENS = 40;

    private static final int WARM_UP_STREAMS = 1_000;
    private static final int WARM_UP_ROUNDS = 3;
    private static final int CLIENT_TIMEOUT_MS = 300_000;

    /** The server JVMs' flags: the default collector (G1 on this machine), a heap that 10,000 streams fit in. */
    private static final List<String> SERVER_JVM = List.of("-Xms64m", "-Xmx2g");

    /** One variant's figures in one round. */
    record Result(String variant, Map<String, String> idle, Map<String, String> loaded, int failures, String failure,
            double wallS, double serverCpuS, double clientCpuS) {

        double perConnectionKb(String key, int connections) {
            return (Long.parseLong(loaded.get(key)) - Long.parseLong(idle.get(key))) / (double) connections;
        }
    }

    private StreamConnectionsBenchmark() {
    }

    /** Model-like tokens: words with their space, punctuation, a newline, quotes and non-ASCII. */
    static List<String> tokens() {
        String[] words = {" the", " stream", " token", " é", " retrieval", " and", " 日本", ",", ".\n", " \"quoted\"",
            " server", " of", " 🚀", " a", " generation"};
        List<String> out = new ArrayList<>(TOKENS);
        for (int i = 0; i < TOKENS; i++) {
            out.add(words[(i * 7 + i / 3) % words.length]);
        }
        return out;
    }

    public static void main(String[] args) throws Exception {
        int connections = 5_000;
        int pace = 25;
        int rounds = 1;
        int histogram = 0;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--connections" -> connections = Integer.parseInt(args[++i]);
                case "--pace" -> pace = Integer.parseInt(args[++i]);
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                case "--histogram" -> histogram = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + "; options: --connections N, --pace ms, --rounds N, --histogram N");
            }
        }
        System.out.printf(Locale.ROOT, "stream connections: %s, %d cpus, load average %s, %d connections, %d tokens"
                + " %d ms apart; server JVMs %s%n", Runtime.version(), Runtime.getRuntime().availableProcessors(),
                loadAverage(), connections, TOKENS, pace, String.join(" ", SERVER_JVM));
        List<Result> results = new ArrayList<>();
        for (int round = 0; round < rounds; round++) {
            List<String> order = round % 2 == 0 ? List.of("plain", "ui") : List.of("ui", "plain");
            for (String variant : order) {
                Result r = run(variant, connections, pace, histogram);
                results.add(r);
                print(r, connections);
            }
        }
        summary(results, connections);
    }

    private static Result run(String variant, int connections, int pace, int histogram) throws Exception {
        // java.home, not the process command: a JDK started through a wrapper (as /opt/jdk21 is) reports the loader.
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java));
        command.addAll(SERVER_JVM);
        if (histogram > 0) {
            command.add("-Dconnections.histogram=" + histogram);
        }
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), StreamingServer.class.getName(), variant,
                String.valueOf(connections), String.valueOf(pace)));
        Process server = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread.ofPlatform().daemon().name("server-out").start(() -> {
            try (BufferedReader out = new BufferedReader(
                    new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = out.readLine()) != null) {
                    lines.add(line);
                }
            } catch (IOException e) {
                lines.add("GONE " + e);
            }
        });
        OutputStream commands = server.getOutputStream();
        try {
            String first = lines.poll(60, TimeUnit.SECONDS);
            if (first == null || !first.startsWith("PORT ")) {
                throw new IllegalStateException("the " + variant + " server did not start: " + first);
            }
            int port = Integer.parseInt(first.substring(5).trim());
            String expected = String.join("", tokens());
            for (int w = 0; w < WARM_UP_ROUNDS; w++) {
                Outcome warm = ask(port, variant, "warm", "warm" + w, Math.min(WARM_UP_STREAMS, connections), expected);
                if (warm.failures() > 0) {
                    throw new IllegalStateException(variant + " warm-up: " + warm.failures() + " streams failed, e.g. "
                            + warm.failure());
                }
            }
            commands.write("idle\n".getBytes(StandardCharsets.UTF_8));
            commands.flush();
            Map<String, String> idle = ChildLines.fields(ChildLines.expect(lines, "IDLE "));

            double serverCpu0 = cpuSeconds(server);
            double clientCpu0 = ownCpuSeconds();
            long t0 = System.nanoTime();
            Outcome load = ask(port, variant, "load", "load", connections, expected);
            double wall = (System.nanoTime() - t0) / 1e9;
            double serverCpu = cpuSeconds(server) - serverCpu0;
            double clientCpu = ownCpuSeconds() - clientCpu0;
            Map<String, String> loaded = ChildLines.fields(ChildLines.expect(lines, "LOADED "));
            serverCpu -= Double.parseDouble(loaded.get("readingCpuMs")) / 1000;
            return new Result(variant, idle, loaded, load.failures(), load.failure(), wall, serverCpu, clientCpu);
        } finally {
            commands.close(); // the server exits when its standard input closes
            if (!server.waitFor(30, TimeUnit.SECONDS)) {
                server.destroyForcibly();
            }
        }
    }

    /** How many of a burst's streams failed, and the first failure's description. */
    record Outcome(int failures, String failure) {
    }

    /** Opens {@code count} streams at once, each on a virtual thread of its own, and waits for all to end. */
    private static Outcome ask(int port, String variant, String question, String chatPrefix, int count,
            String expected) throws InterruptedException {
        AtomicInteger failures = new AtomicInteger();
        String[] first = {null};
        try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<String>> all = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                String chatId = chatPrefix + "-" + i;
                all.add(clients.submit(() -> {
                    try {
                        return StreamClient.ask(port, variant, question, chatId, expected, CLIENT_TIMEOUT_MS);
                    } catch (IOException e) {
                        return e.toString();
                    }
                }));
            }
            for (Future<String> f : all) {
                String problem;
                try {
                    problem = f.get();
                } catch (java.util.concurrent.ExecutionException e) {
                    problem = e.getCause().toString();
                }
                if (problem != null) {
                    failures.incrementAndGet();
                    if (first[0] == null) {
                        first[0] = problem;
                    }
                }
            }
        }
        return new Outcome(failures.get(), first[0]);
    }

    private static void print(Result r, int connections) {
        System.out.printf(Locale.ROOT, "%n== %s: %d streams, %d held at once, %d failed%s%n", r.variant(), connections,
                Integer.parseInt(r.loaded().get("held")), r.failures(),
                r.failure() == null ? "" : " (first: " + r.failure() + ")");
        System.out.printf(Locale.ROOT, "  idle:   live heap %,8d KB, committed %,9d KB, RSS %,9d KB, platform threads %s%n",
                Long.parseLong(r.idle().get("heapUsedKb")), Long.parseLong(r.idle().get("heapCommittedKb")),
                Long.parseLong(r.idle().get("rssKb")), r.idle().get("platformThreads"));
        System.out.printf(Locale.ROOT, "  loaded: live heap %,8d KB, committed %,9d KB, RSS %,9d KB, platform threads %s%n",
                Long.parseLong(r.loaded().get("heapUsedKb")), Long.parseLong(r.loaded().get("heapCommittedKb")),
                Long.parseLong(r.loaded().get("rssKb")), r.loaded().get("platformThreads"));
        System.out.printf(Locale.ROOT, "  per connection: live heap %.1f KB, RSS %.1f KB; wall %.1f s, server CPU %.2f s,"
                + " client CPU %.2f s%n", r.perConnectionKb("heapUsedKb", connections),
                r.perConnectionKb("rssKb", connections), r.wallS(), r.serverCpuS(), r.clientCpuS());
    }

    /** Each variant's median over the rounds, and the ratios UI stream / plain. */
    private static void summary(List<Result> results, int connections) {
        System.out.printf(Locale.ROOT, "%n== UI message stream against plain SSE, %d connections (median of %d round(s))%n",
                connections, results.size() / 2);
        System.out.printf("%-34s %12s %12s %8s%n", "figure", "UI stream", "plain SSE", "ratio");
        row("live heap per connection, KB", results, r -> r.perConnectionKb("heapUsedKb", connections));
        row("RSS per connection, KB", results, r -> r.perConnectionKb("rssKb", connections));
        row("server CPU over the load, s", results, Result::serverCpuS);
        row("server CPU per stream, ms", results, r -> r.serverCpuS() * 1000 / connections);
        row("client CPU over the load, s", results, Result::clientCpuS);
        row("wall, s", results, Result::wallS);
        row("failed streams", results, r -> r.failures());
    }

    private static void row(String what, List<Result> results, java.util.function.ToDoubleFunction<Result> f) {
        double ui = median(results, "ui", f);
        double plain = median(results, "plain", f);
        System.out.printf(Locale.ROOT, "%-34s %12.2f %12.2f %8s%n", what, ui, plain,
                plain == 0 ? "-" : String.format(Locale.ROOT, "%.2f", ui / plain));
    }

    private static double median(List<Result> results, String variant, java.util.function.ToDoubleFunction<Result> f) {
        double[] v = results.stream().filter(r -> r.variant().equals(variant)).mapToDouble(f).sorted().toArray();
        return v.length == 0 ? Double.NaN : v[(v.length - 1) / 2];
    }

    private static String loadAverage() {
        try {
            return java.nio.file.Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (IOException e) {
            return "?";
        }
    }

    private static double cpuSeconds(Process p) {
        return p.toHandle().info().totalCpuDuration().map(Duration::toNanos).orElse(0L) / 1e9;
    }

    private static double ownCpuSeconds() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime() / 1e9;
    }
}
