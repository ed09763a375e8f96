package io.synapsekit.benchmarks.relay;

import io.synapsekit.benchmarks.LoopbackJetty;
import io.synapsekit.llm.GenerateOptions;
import io.synapsekit.llm.openai.OpenAILLM;
import io.synapsekit.redis.RedisSseReplayBuffer;
import io.synapsekit.server.InMemorySseReplayBuffer;
import io.synapsekit.server.SseResponse;
import io.synapsekit.server.agui.AgUiStreams;
import io.synapsekit.server.agui.RunAgentInput;
import io.synapsekit.servlet.AgUiServlet;
import io.synapsekit.servlet.SseServlet;
import io.synapsekit.servlet.UiMessageServlet;
import jakarta.servlet.http.HttpServlet;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.jetty.server.Server;

/**
 * The server of {@link RelayBenchmark}, in a JVM of its own so that its CPU and RSS are its own: Jetty 12 (ee10) on
 * loopback with request handling on virtual threads, serving one variant at {@code /stream}:
 * <ul>
 *   <li>{@code relay}: {@link SseServlet#tokens} over {@link OpenAILLM#stream} against the mock OpenAI server (our
 *       client parses each chunk, {@code SseResponse} writes one event per token);
 *   <li>{@code ui}: {@link UiMessageServlet#llm} over the same {@link OpenAILLM} (the UI message stream encoder);
 *   <li>{@code agui}: {@link AgUiServlet} over the same {@link OpenAILLM}, as {@link AgUiServlet#llm} answers (the
 *       AG-UI encoder; readers {@code POST} a {@code RunAgentInput});
 *   <li>{@code redis}: {@code relay} made resumable through a {@link RedisSseReplayBuffer} on the benchmark's own
 *       {@code redis-server}: every token is written to a Redis Stream ({@code XADD}) and to the producing server's
 *       memory, from which this server's own readers are served (the library's design: no Redis round trip for
 *       them);
 *   <li>{@code redisread}: the same, with the reader served by a second server on the same Redis, so that every
 *       token it gets was read back from Redis ({@link RedisReadServlet}; both servers in this JVM);
 *   <li>{@code memory}: the same resumable response with an {@link InMemorySseReplayBuffer}, to separate the cost
 *       of Redis from that of the replay mechanism (the source feeds the buffer, each connection reads from it);
 *   <li>{@code floor}: {@link FloorServlet}, which copies the upstream bytes to the reader without parsing.
 * </ul>
 * The reader's query is {@code <tokens>/<pace ms>}, which chooses the mock server's path. Arguments: the variant,
 * the mock server's port, the most readers it will serve at once (which sizes the replay buffers and the Redis
 * connection pool so that neither limits them), and for {@code redis} Redis's {@code host:port}.
 *
 * <p>Speaks with the benchmark over its standard streams: prints {@code PORT n}; on {@code idle} it collects, prints
 * {@code IDLE rssKb=… heapUsedKb=…} and resets its peak RSS; on {@code peak} prints {@code PEAK hwmKb=…}; on
 * {@code held} (while streams are held open) collects and prints {@code HELD rssKb=… heapUsedKb=…}; it exits when
 * its standard input closes. With {@code -Drelay.jfr=<file>} it records the measured burst (from {@code idle} to
 * {@code peak}) with JFR.
 */
public final class RelayServer {

    private static final Duration LONG = Duration.ofSeconds(300);

    private RelayServer() {
    }

    public static void main(String[] args) throws Exception {
        String variant = args[0];
        int mockPort = Integer.parseInt(args[1]);
        int readers = Integer.parseInt(args[2]);
        // Room for every reader's stream and those of the bursts before it (kept until their TTL), as for Redis's
        // own local copy, whose default is 10,000.
        int streams = Math.max(10_000, 2 * readers);
        Duration ttl = Duration.ofMinutes(10);
        boolean viaRedis = variant.equals("redis") || variant.equals("redisread");
        RedisSseReplayBuffer redis = viaRedis ? redisBuffer(args[3], streams, ttl, readers) : null;
        // redisread's second server: another buffer on the same Redis, which has none of the answers in memory
        RedisSseReplayBuffer redisB = variant.equals("redisread") ? redisBuffer(args[3], streams, ttl, readers)
                : null;
        Map<String, OpenAILLM> llms = new ConcurrentHashMap<>();
        java.util.function.Function<String, OpenAILLM> llm = q -> llms.computeIfAbsent(q,
                k -> OpenAILLM.builder().baseUrl(FloorServlet.baseUrl(mockPort, k)).apiKey("sk-bench")
                        .model("gpt-4o-mini").maxRetries(0).connectTimeout(LONG).firstTokenTimeout(LONG)
                        .idleTimeout(LONG).build());
        HttpServlet servlet = switch (variant) {
            case "relay" -> SseServlet.tokens(q -> llm.apply(q).stream("Why is the sky blue?"));
            case "ui" -> UiMessageServlet.llm(call -> llm.apply(call.question()).events("Why is the sky blue?"));
            // AgUiServlet.llm's answer, with the LLM chosen by the question (which names the mock server's path)
            case "agui" -> AgUiServlet.of(req -> {
                RunAgentInput input = req.input();
                return AgUiStreams.llm(input, llm.apply(input.lastUserText().orElseThrow())
                        .events(input.chatMessages(), GenerateOptions.defaults()));
            });
            case "redis" -> SseServlet.tokens(q -> llm.apply(q).stream("Why is the sky blue?"))
                    .withResponse(SseResponse.builder().replay(redis).build());
            case "redisread" -> new RedisReadServlet(q -> llm.apply(q).stream("Why is the sky blue?"),
                    SseResponse.builder().replay(redis).build(), SseResponse.builder().replay(redisB).build());
            case "memory" -> SseServlet.tokens(q -> llm.apply(q).stream("Why is the sky blue?"))
                    .withResponse(SseResponse.builder().replay(InMemorySseReplayBuffer.builder().maxStreams(streams)
                            .ttl(ttl).build()).build());
            case "floor" -> new FloorServlet(mockPort);
            default -> throw new IllegalArgumentException(
                    "variant must be floor, relay, ui, agui, redis, redisread or memory: " + variant);
        };
        String path = switch (variant) {
            case "ui" -> "/api/chat/*";
            case "agui" -> "/api/agui";
            default -> "/stream";
        };
        Server server = LoopbackJetty.start(servlet, path, 8192, Duration.ofSeconds(300));
        System.out.println("PORT " + LoopbackJetty.port(server));
        System.out.flush();

        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        jdk.jfr.Recording recording = null;
        String line;
        while ((line = in.readLine()) != null) {
            switch (line) {
                case "idle" -> {
                    for (int i = 0; i < 3; i++) {
                        System.gc();
                    }
                    // G1 gives the heap it shrank back to the OS concurrently, after the collection: a reading
                    // taken at once would be above the later peak.
                    Thread.sleep(2_000);
                    long rss = status("VmRSS:");
                    resetPeakRss();
                    recording = startRecording();
                    System.out.printf(Locale.ROOT, "IDLE rssKb=%d heapUsedKb=%d%n", rss,
                            ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() / 1024);
                }
                case "held" -> {
                    for (int i = 0; i < 2; i++) {
                        System.gc();
                    }
                    System.out.printf(Locale.ROOT, "HELD rssKb=%d heapUsedKb=%d%n", status("VmRSS:"),
                            ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() / 1024);
                }
                case "peak" -> {
                    System.out.printf(Locale.ROOT, "PEAK hwmKb=%d threads=%d%n", status("VmHWM:"),
                            ManagementFactory.getThreadMXBean().getPeakThreadCount());
                    if (recording != null) {
                        recording.stop();
                        recording.dump(Path.of(System.getProperty("relay.jfr")));
                        recording = null;
                    }
                }
                default -> System.out.println("UNKNOWN " + line);
            }
            System.out.flush();
        }
        server.stop();
        for (RedisSseReplayBuffer buffer : new RedisSseReplayBuffer[] {redis, redisB}) {
            if (buffer != null) {
                buffer.close();
            }
        }
        System.exit(0);
    }

    /**
     * The Redis connections the {@code redis} variant's server may open: one per reader, so that no answer waits
     * for a connection (a producer holds one per write; a reader of a stream produced elsewhere, one while it
     * waits), plus a few for the heartbeat and lookups. {@link RelayBenchmark} checks that Redis accepts that many.
     */
    static int redisConnections(int readers) {
        return readers + 16;
    }

    private static RedisSseReplayBuffer redisBuffer(String address, int streams, Duration ttl, int readers) {
        return RedisSseReplayBuffer.builder(URI.create("redis://" + address)).localStreams(streams).ttl(ttl)
                .maxConnections(redisConnections(readers)).build();
    }

    /**
     * With {@code -Drelay.jfr=<file>}, a JFR recording of the measured burst only (execution samples every
     * millisecond, and JDK 25's CPU-time samples), written when the peak is read.
     */
    private static jdk.jfr.Recording startRecording() throws Exception {
        if (System.getProperty("relay.jfr") == null) {
            return null;
        }
        jdk.jfr.Recording recording = new jdk.jfr.Recording(jdk.jfr.Configuration.getConfiguration("profile"));
        recording.enable("jdk.ExecutionSample").withPeriod(Duration.ofMillis(1));
        try {
            recording.enable("jdk.CPUTimeSample").with("throttle", "1ms");
        } catch (RuntimeException older) {
            // not on this JDK
        }
        recording.start();
        return recording;
    }

    /** Resets VmHWM to the current RSS, so the next peak is the measured part's. */
    private static void resetPeakRss() {
        try {
            Files.writeString(Path.of("/proc/self/clear_refs"), "5");
        } catch (Exception notLinux) {
            // the peak then includes the warm-up
        }
        ManagementFactory.getThreadMXBean().resetPeakThreadCount();
    }

    /** A {@code kB} field of {@code /proc/self/status}, or -1 off Linux. */
    private static long status(String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith(field)) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (Exception notLinux) {
            // no reading
        }
        return -1;
    }
}
