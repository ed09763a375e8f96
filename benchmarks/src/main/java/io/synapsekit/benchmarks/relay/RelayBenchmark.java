package io.synapsekit.benchmarks.relay;

import io.synapsekit.benchmarks.ChildLines;
import io.synapsekit.benchmarks.load.MockOpenAIServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The server side against its floor: mock OpenAI server (its own JVM) → our client ({@code OpenAILLM}) →
 * {@code SseServlet} on Jetty 12 with virtual threads ({@link RelayServer}, a fresh JVM per variant and round) → N
 * SSE readers ({@link RelayReaders}, in this JVM), beside the floor, an async servlet on the same Jetty that copies
 * the upstream bytes without parsing. Variants alternate within each round (the order rotates), and each figure of
 * ours is paired with the floor's of the same round.
 *
 * <p>Per variant and round: a fresh server JVM ({@code -Xms64m -Xmx2g}), warmed up by bursts of unpaced streams and
 * by one burst of as many short paced streams as the measured one (so both servers' upstream pools hold that many
 * keep-alive connections), then its RSS read after full collections and its peak reset; then the measured burst:
 * N readers at once, {@code --tokens} tokens {@code --pace} ms apart each. Figures: each token's lateness (arrival
 * minus due, see {@link RelayReaders}), the server process's CPU over the burst per relayed token, and its peak RSS
 * over the burst minus the idle reading, per connection.
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar io.synapsekit.benchmarks.relay.RelayBenchmark [--readers
 * 1000,5000] [--tokens 40] [--pace 50] [--rounds 3] [--variants floor,relay,ui,agui,redis,redisread,memory]
 * [--arrivals burst|spread] [--server-jvm "-XX:…"]} ({@code burst}, the default: the measured readers all ask at
 * once, so every stream's tokens fall due together; {@code spread}: their requests spread evenly over one pace, as
 * independent clients' are; in {@code --server-jvm}, {@code {variant}} and {@code {readers}} are replaced, e.g. for a JFR file each), or as the
 * load harness's {@code relay} scenario. The variants are {@link RelayServer}'s; with {@code redis} or
 * {@code redisread}, the benchmark
 * starts a {@code redis-server} of its own ({@link RelayRedis}), empties it before each server of that variant,
 * counts its CPU over the burst beside the server's, and stops it at the end.
 */
public final class RelayBenchmark {

    private static final List<String> SERVER_JVM = List.of("-Xms64m", "-Xmx2g");
    private static final int WARM_UP_BURSTS = 4;
    private static final int TIMEOUT_MS = 300_000;
    private static final int HELD_PACE_MS = 3_000;
    static final List<String> VARIANTS = List.of("floor", "relay", "ui", "agui", "redis", "redisread",
            "memory");

    /** One variant's figures in one round. */
    record Result(String variant, int readers, RelayReaders.Burst burst, double serverCpuS, double mockCpuS,
            double readerCpuS, double redisCpuS, long idleRssKb, long peakRssKb, int peakThreads, Memory held) {

        double cpuPerTokenUs() {
            return serverCpuS * 1e6 / Math.max(1, burst.late().length);
        }

        /** The server's and Redis's CPU per token: what the {@code redis} variant costs in all. */
        double cpuWithRedisPerTokenUs() {
            return (serverCpuS + redisCpuS) * 1e6 / Math.max(1, burst.late().length);
        }

        double rssPerConnectionKb() {
            return (peakRssKb - idleRssKb) / (double) readers;
        }

        double heldHeapPerConnectionKb() {
            return (held.heapKb() - held.idleHeapKb()) / (double) held.open();
        }

        double heldRssPerConnectionKb() {
            return (held.rssKb() - held.idleRssKb()) / (double) held.open();
        }

        double p(double q) {
            return RelayReaders.percentileMs(burst.late(), q);
        }
    }

    /** The server's memory with {@code open} streams held open, after collections, and idle before them. */
    record Memory(int open, long rssKb, long heapKb, long idleRssKb, long idleHeapKb) {
    }

    /** The options of one run. */
    public record Options(List<Integer> readers, int tokens, int pace, int rounds, List<String> variants,
            String serverJvm, boolean spread) {
    }

    private RelayBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Options o = parse(args);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process mock = new ProcessBuilder(java, "-Xmx1g", "-cp", System.getProperty("java.class.path"),
                MockOpenAIServer.class.getName()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try {
            BufferedReader out = new BufferedReader(
                    new InputStreamReader(mock.getInputStream(), StandardCharsets.UTF_8));
            String line = out.readLine();
            if (line == null || !line.startsWith("PORT ")) {
                throw new IllegalStateException("mock server did not start: " + line);
            }
            run(mock, Integer.parseInt(line.substring(5).trim()), o);
        } finally {
            mock.getOutputStream().close();
            if (!mock.waitFor(5, TimeUnit.SECONDS)) {
                mock.destroy();
            }
        }
    }

    public static Options parse(String[] args) {
        List<Integer> readers = List.of(1_000);
        int tokens = 40;
        int pace = 50;
        int rounds = 3;
        List<String> variants = List.of("floor", "relay");
        String serverJvm = "";
        boolean spread = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--readers" -> readers = Arrays.stream(args[++i].split(",")).map(Integer::valueOf).toList();
                case "--tokens" -> tokens = Integer.parseInt(args[++i]);
                case "--pace" -> pace = Integer.parseInt(args[++i]);
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                case "--variants" -> variants = List.of(args[++i].split(","));
                case "--server-jvm" -> serverJvm = args[++i];
                case "--arrivals" -> spread = switch (args[++i]) {
                    case "burst" -> false;
                    case "spread" -> true;
                    default -> throw new IllegalArgumentException("--arrivals must be burst or spread: " + args[i]);
                };
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + "; options: --readers N[,N], --tokens N, --pace ms, --rounds N,"
                        + " --variants " + String.join(",", VARIANTS) + ", --arrivals burst|spread, --server-jvm \"flags\"");
            }
        }
        if (!variants.contains("floor")) {
            throw new IllegalArgumentException("--variants must include floor, the baseline");
        }
        for (String v : variants) {
            if (!VARIANTS.contains(v)) {
                throw new IllegalArgumentException("unknown variant " + v + "; variants: " + String.join(",", VARIANTS));
            }
        }
        if (variants.size() != Set.copyOf(variants).size()) {
            throw new IllegalArgumentException("--variants names a variant twice: " + variants);
        }
        return new Options(readers, tokens, pace, rounds, variants, serverJvm, spread);
    }

    /**
     * Runs every reader count's rounds against the mock server on {@code mockPort} and prints the figures; with the
     * {@code redis} variant, against a {@code redis-server} of its own, stopped at the end however the run ends.
     */
    public static void run(Process mock, int mockPort, Options o) throws Exception {
        System.out.printf(Locale.ROOT, "relay: %s, %d cpus, %s; %d tokens %d ms apart per reader, arrivals %s; server JVMs %s %s%n",
                Runtime.version(), Runtime.getRuntime().availableProcessors(), cpuModel(), o.tokens(), o.pace(),
                o.spread() ? "spread over one pace" : "all at once",
                String.join(" ", SERVER_JVM), o.serverJvm());
        RelayRedis redis = o.variants().stream().anyMatch(RelayBenchmark::viaRedis) ? RelayRedis.start() : null;
        try {
            if (redis != null) {
                int maxReaders = o.readers().stream().mapToInt(Integer::intValue).max().orElse(0);
                int pool = RelayServer.redisConnections(maxReaders);
                int maxClients = redis.maxClients();
                // per buffer (two for redisread) its pool and its stop listener, and this benchmark's commands
                int clients = 2 * (pool + 1) + 1;
                if (clients > maxClients) {
                    throw new IllegalStateException("Redis accepts " + maxClients + " clients (maxclients, bounded"
                            + " by its file limit), fewer than the " + clients + " that " + maxReaders
                            + " readers may use; raise ulimit -n or use fewer readers");
                }
                System.out.printf(Locale.ROOT, "redis: %s at %s, maxclients %d, pool of up to %d connections%n",
                        RelayRedis.BINARY, redis.address(), maxClients, pool);
            }
            for (int readers : o.readers()) {
                List<Result> results = new ArrayList<>();
                for (int round = 0; round < o.rounds(); round++) {
                    for (int v = 0; v < o.variants().size(); v++) {
                        String variant = o.variants().get((v + round) % o.variants().size());
                        Result r = runOne(mock, mockPort, redis, variant, readers, o);
                        results.add(r);
                        print(round, r);
                    }
                }
                summary(results, readers, o);
            }
        } finally {
            if (redis != null) {
                redis.close();
            }
        }
    }

    private static Result runOne(Process mock, int mockPort, RelayRedis redis, String variant, int readers,
            Options o) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java));
        command.addAll(SERVER_JVM);
        if (!o.serverJvm().isBlank()) {
            command.addAll(List.of(o.serverJvm().replace("{variant}", variant)
                    .replace("{readers}", String.valueOf(readers)).split(" ")));
        }
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), RelayServer.class.getName(), variant,
                String.valueOf(mockPort), String.valueOf(readers)));
        boolean viaRedis = viaRedis(variant);
        if (viaRedis) {
            redis.flush();
            command.add(redis.address());
        }
        Process server = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread.ofPlatform().daemon().name("relay-server-out").start(() -> {
            try (BufferedReader out = new BufferedReader(
                    new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = out.readLine()) != null) {
                    lines.add(line);
                }
                lines.add("GONE: the server's output ended"); // a server that died at start fails the run now
            } catch (IOException e) {
                lines.add("GONE " + e);
            }
        });
        OutputStream commands = server.getOutputStream();
        try {
            int port = Integer.parseInt(ChildLines.expect(lines, "PORT ").trim());
            for (int w = 0; w < WARM_UP_BURSTS; w++) {
                check(variant, "warm-up", RelayReaders.read(port, variant, Math.min(readers, 1_000), o.tokens(), 0,
                        TIMEOUT_MS));
            }
            // as many upstream connections as the measured burst will use, and the paced path's code warm
            check(variant, "warm-up", RelayReaders.read(port, variant, readers, 4, 5, TIMEOUT_MS));
            command(commands, "idle");
            Map<String, String> idle = ChildLines.fields(ChildLines.expect(lines, "IDLE "));
            long idleRss = Long.parseLong(idle.get("rssKb"));

            double server0 = cpuSeconds(server);
            double mock0 = cpuSeconds(mock);
            double own0 = ownCpuSeconds();
            double redis0 = viaRedis ? redis.cpuSeconds() : 0;
            RelayReaders.Burst burst = RelayReaders.read(port, variant, readers, o.tokens(), o.pace(), TIMEOUT_MS,
                    o.spread() ? TimeUnit.MILLISECONDS.toNanos(o.pace()) : 0);
            double serverCpu = cpuSeconds(server) - server0;
            double mockCpu = cpuSeconds(mock) - mock0;
            double readerCpu = ownCpuSeconds() - own0;
            double redisCpu = viaRedis ? redis.cpuSeconds() - redis0 : 0;
            command(commands, "peak");
            Map<String, String> peak = ChildLines.fields(ChildLines.expect(lines, "PEAK "));
            Memory held = held(port, variant, readers, commands, lines, idle);
            return new Result(variant, readers, burst, serverCpu, mockCpu, readerCpu, redisCpu, idleRss,
                    Long.parseLong(peak.get("hwmKb")), Integer.parseInt(peak.get("threads")), held);
        } finally {
            commands.close(); // the server exits when its standard input closes
            if (!server.waitFor(30, TimeUnit.SECONDS)) {
                server.destroyForcibly();
            }
        }
    }

    /**
     * The server's memory with {@code readers} streams open at once: a burst of slow streams (4 tokens
     * {@value #HELD_PACE_MS} ms apart), read after collections once every stream has its first token, compared with
     * the idle reading; after the measured burst, so its collections disturb no measured figure.
     */
    private static Memory held(int port, String variant, int readers, OutputStream commands,
            BlockingQueue<String> lines, Map<String, String> idle) throws Exception {
        Thread burst = Thread.ofPlatform().name("held-burst").start(() -> {
            try {
                RelayReaders.read(port, variant, readers, 4, HELD_PACE_MS, TIMEOUT_MS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(HELD_PACE_MS * 3L);
        while (RelayReaders.OPEN.get() < readers && System.nanoTime() < deadline) {
            Thread.sleep(10); // polling a counter with a deadline; a benchmark, not a test
        }
        int open = RelayReaders.OPEN.get();
        command(commands, "held");
        Map<String, String> held = ChildLines.fields(ChildLines.expect(lines, "HELD "));
        burst.join();
        return new Memory(open, Long.parseLong(held.get("rssKb")), Long.parseLong(held.get("heapUsedKb")),
                Long.parseLong(idle.get("rssKb")), Long.parseLong(idle.get("heapUsedKb")));
    }

    private static void check(String variant, String what, RelayReaders.Burst b) {
        if (b.failures() > 0) {
            throw new IllegalStateException(variant + " " + what + ": " + b.failures() + " streams failed, e.g. "
                    + b.failure());
        }
    }

    private static void print(int round, Result r) {
        RelayReaders.Burst b = r.burst();
        System.out.printf(Locale.ROOT, "  round %d %-9s %,6d readers: late p50 %6.2f p99 %7.2f ms | first p50 %6.2f p99"
                        + " %7.2f | token p50 %6.2f p99 %6.2f | steady p50 %6.2f p99 %6.2f | server CPU %5.2f s = %6.2f us/token"
                        + " | RSS peak +%,.1f KB/conn (idle %,d KB, peak %,d KB) | held %d: heap +%.1f KB/conn,"
                        + " RSS +%.1f KB/conn | peak threads %d | mock CPU %.2f s, readers CPU %.2f s%s | wall"
                        + " %.2f s | failed %d%s | load %s%n",
                round + 1, r.variant(), r.readers(), r.p(0.50), r.p(0.99), RelayReaders.percentileMs(b.first(), 0.5),
                RelayReaders.percentileMs(b.first(), 0.99), RelayReaders.percentileMs(b.relative(), 0.5),
                RelayReaders.percentileMs(b.relative(), 0.99), RelayReaders.percentileMs(b.steady(), 0.5),
                RelayReaders.percentileMs(b.steady(), 0.99), r.serverCpuS(), r.cpuPerTokenUs(),
                r.rssPerConnectionKb(), r.idleRssKb(), r.peakRssKb(), r.held().open(), r.heldHeapPerConnectionKb(),
                r.heldRssPerConnectionKb(), r.peakThreads(), r.mockCpuS(), r.readerCpuS(),
                viaRedis(r.variant()) ? String.format(Locale.ROOT, ", redis CPU %.2f s (server + redis %.2f"
                        + " us/token)", r.redisCpuS(), r.cpuWithRedisPerTokenUs()) : "",
                b.wallNanos() / 1e9, b.failures(), b.failure() == null ? "" : " (" + b.failure() + ")", loadAverage());
    }

    /**
     * Per round, each variant against the floor of the same round: added lateness p50/p99 (ours minus the floor's),
     * CPU per relayed token (for {@code redis} also with Redis's CPU added) and live heap per held connection as
     * ratios; then the median over the rounds.
     */
    private static void summary(List<Result> results, int readers, Options o) {
        System.out.printf(Locale.ROOT, "%n== relay against its floor, %,d readers, %d tokens %d ms apart (each round"
                + " paired with its own floor; median of %d rounds last)%n", readers, o.tokens(), o.pace(), o.rounds());
        System.out.printf("%-9s %6s %14s %14s %14s %14s %12s %12s %8s %12s %14s %14s%n", "variant", "round",
                "added p50 ms", "added p99 ms", "tok-added p50", "tok-added p99", "CPU/token x", "heap/conn x", "failed",
                "+redis CPU x", "steady-add p50", "steady-add p99");
        for (String variant : o.variants()) {
            if (variant.equals("floor")) {
                continue;
            }
            List<double[]> rows = new ArrayList<>();
            for (int round = 0; round < o.rounds(); round++) {
                Result ours = results.get(index(results, variant, round, o));
                Result floor = results.get(index(results, "floor", round, o));
                double[] row = {
                    ours.p(0.50) - floor.p(0.50),
                    ours.p(0.99) - floor.p(0.99),
                    RelayReaders.percentileMs(ours.burst().relative(), 0.5)
                            - RelayReaders.percentileMs(floor.burst().relative(), 0.5),
                    RelayReaders.percentileMs(ours.burst().relative(), 0.99)
                            - RelayReaders.percentileMs(floor.burst().relative(), 0.99),
                    ours.cpuPerTokenUs() / floor.cpuPerTokenUs(),
                    ours.heldHeapPerConnectionKb() / floor.heldHeapPerConnectionKb(),
                    ours.burst().failures() + floor.burst().failures(),
                    ours.cpuWithRedisPerTokenUs() / floor.cpuPerTokenUs(),
                    RelayReaders.percentileMs(ours.burst().steady(), 0.5)
                            - RelayReaders.percentileMs(floor.burst().steady(), 0.5),
                    RelayReaders.percentileMs(ours.burst().steady(), 0.99)
                            - RelayReaders.percentileMs(floor.burst().steady(), 0.99)};
                rows.add(row);
                System.out.printf(Locale.ROOT, "%-9s %6d %14.2f %14.2f %14.2f %14.2f %12.2f %12.2f %8.0f %12.2f %14.2f"
                        + " %14.2f%n", variant, round + 1, row[0], row[1], row[2], row[3], row[4], row[5], row[6],
                        row[7], row[8], row[9]);
            }
            double[] median = new double[10];
            for (int c = 0; c < median.length; c++) {
                int col = c;
                double[] v = rows.stream().mapToDouble(r -> r[col]).sorted().toArray();
                median[c] = v[(v.length - 1) / 2];
            }
            System.out.printf(Locale.ROOT, "%-9s %6s %14.2f %14.2f %14.2f %14.2f %12.2f %12.2f %8.0f %12.2f %14.2f"
                    + " %14.2f%n", variant, "median", median[0], median[1], median[2], median[3], median[4], median[5],
                    median[6], median[7], median[8], median[9]);
            System.out.printf(Locale.ROOT, "targets (set for 1,000 readers; this is %,d): token lateness added p99"
                    + " <= 1 ms: %s (steady part: %s); CPU per token <= 1.5x the floor's: %s%n", readers,
                    median[3] <= 1 ? "met" : "NOT met", median[9] <= 1 ? "met" : "NOT met",
                    median[4] <= 1.5 ? "met" : "NOT met");
        }
    }

    /** Whether {@code variant} needs the benchmark's {@code redis-server}. */
    static boolean viaRedis(String variant) {
        return variant.equals("redis") || variant.equals("redisread");
    }

    /** Where {@code variant}'s result of {@code round} is in the list (the order within a round rotates). */
    private static int index(List<Result> results, String variant, int round, Options o) {
        int n = o.variants().size();
        for (int i = round * n; i < round * n + n; i++) {
            if (results.get(i).variant().equals(variant)) {
                return i;
            }
        }
        throw new IllegalStateException("no " + variant + " in round " + round);
    }

    private static void command(OutputStream commands, String command) throws IOException {
        commands.write((command + "\n").getBytes(StandardCharsets.UTF_8));
        commands.flush();
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (IOException e) {
            return "?";
        }
    }

    private static String cpuModel() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .findFirst().map(l -> l.substring(l.indexOf(':') + 2)).orElse("?");
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
