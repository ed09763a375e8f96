package io.synapsekit.benchmarks.redis;

import io.synapsekit.redis.RedisSseReplayBuffer;
import io.synapsekit.server.InMemorySseReplayBuffer;
import io.synapsekit.server.Registration;
import io.synapsekit.server.SseReplayBuffer;
import io.synapsekit.sse.SseEvent;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import redis.clients.jedis.Jedis;

/**
 * What the Redis path costs, against the in-memory buffer in the same run, at the replay-buffer level (what
 * {@code SseResponse} calls for every token):
 *
 * <ol>
 *   <li><b>Token latency</b>: 8 streams of 500 tokens at a 2 ms pace; latency is from the producer's
 *       {@code append} to the reader holding the event, p50 and p99, for the in-memory buffer, for a reader on the
 *       producing server of a Redis buffer (served from its memory), and for a reader on another server (through
 *       Redis {@code XREAD}). Also the producer's own time per {@code append} (the synchronous {@code XADD}).
 *   <li><b>2,000 concurrent resumable streams across two servers</b>: 1,000 produced on each, each read on the
 *       other, 40 tokens at a 25 ms pace: every event delivered in order, latency under that load, and Redis memory
 *       per stream ({@code used_memory} at the peak, all streams present, over the figure before).
 * </ol>
 *
 * <p>Starts its own {@code redis-server} on a free loopback port (or uses {@code --redis redis://host:port}).
 * Run: {@code java -cp benchmarks/target/benchmarks.jar io.synapsekit.benchmarks.redis.RedisReplayBenchmark}.
 */
public final class RedisReplayBenchmark {

    private RedisReplayBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        URI given = null;
        int concurrent = 2_000;
        long paceMillis = 25;
        for (int i = 0; i + 1 < args.length; i++) {
            if (args[i].equals("--redis")) {
                given = URI.create(args[i + 1]);
            } else if (args[i].equals("--streams")) {
                concurrent = Integer.parseInt(args[i + 1]);
            } else if (args[i].equals("--pace-ms")) {
                paceMillis = Long.parseLong(args[i + 1]);
            }
        }
        Process server = null;
        URI uri = given;
        if (uri == null) {
            int port = freePort();
            server = new ProcessBuilder("redis-server", "--port", Integer.toString(port), "--bind", "127.0.0.1",
                    "--save", "", "--appendonly", "no", "--maxclients", "10000")
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectErrorStream(true).start();
            uri = URI.create("redis://127.0.0.1:" + port);
            awaitPing(uri);
        }
        try {
            System.out.printf("JVM %s, %d CPUs, Redis %s%n", Runtime.version(),
                    Runtime.getRuntime().availableProcessors(), uri);
            latency(uri);
            concurrent(uri, concurrent, paceMillis);
        } finally {
            if (server != null) {
                server.destroyForcibly();
                server.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    // ---- 1: token latency ----

    private static void latency(URI uri) throws Exception {
        int streams = 8;
        int tokens = 500;
        long pace = TimeUnit.MILLISECONDS.toNanos(2);
        // warm-up: class loading, JIT, connections
        InMemorySseReplayBuffer warmMemory = InMemorySseReplayBuffer.create();
        run("warm", warmMemory, warmMemory, streams, 200, pace);
        try (RedisSseReplayBuffer a = RedisSseReplayBuffer.connect(uri);
                RedisSseReplayBuffer b = RedisSseReplayBuffer.connect(uri)) {
            run("warm-a", a, a, streams, 200, pace);
            run("warm-b", a, b, streams, 200, pace);
            System.out.println();
            System.out.println("Token latency, append to reader (" + streams + " streams x " + tokens
                    + " tokens, 2 ms pace):");
            System.out.println("| path | p50 | p99 | producer append p50 | producer append p99 |");
            System.out.println("|---|---|---|---|---|");
            for (int round = 0; round < 2; round++) {
                InMemorySseReplayBuffer memory = InMemorySseReplayBuffer.create();
                Result m = run("memory-" + round, memory, memory, streams, tokens, pace);
                Result local = run("redis-local-" + round, a, a, streams, tokens, pace);
                Result remote = run("redis-remote-" + round, a, b, streams, tokens, pace);
                row("in-memory buffer (baseline)", m);
                row("Redis buffer, reader on the producing server", local);
                row("Redis buffer, reader on another server (XREAD)", remote);
                System.out.printf("| added by Redis, other server | %s | %s | %s | %s |%n",
                        us(remote.p(50) - m.p(50)), us(remote.p(99) - m.p(99)),
                        us(remote.appendP(50) - m.appendP(50)), us(remote.appendP(99) - m.appendP(99)));
            }
        }
    }

    private static void row(String name, Result r) {
        System.out.printf("| %s | %s | %s | %s | %s |%n", name, us(r.p(50)), us(r.p(99)), us(r.appendP(50)),
                us(r.appendP(99)));
    }

    private static String us(long nanos) {
        return String.format("%.0f µs", nanos / 1e3);
    }

    /** Latencies and producer append times, in nanoseconds. */
    record Result(long[] latency, long[] append) {
        long p(int percentile) {
            return percentile(latency, percentile);
        }

        long appendP(int percentile) {
            return percentile(append, percentile);
        }
    }

    private static long percentile(long[] sorted, int p) {
        if (sorted.length == 0) {
            return 0;
        }
        int i = (int) Math.min(sorted.length - 1, Math.ceil(p / 100.0 * sorted.length) - 1);
        return sorted[Math.max(0, i)];
    }

    /** Produces {@code streams} streams on {@code producer} and reads each on {@code reader}. */
    private static Result run(String name, SseReplayBuffer producer, SseReplayBuffer reader, int streams,
            int tokens, long paceNanos) throws Exception {
        long[] latency = new long[streams * tokens];
        long[] append = new long[streams * tokens];
        AtomicInteger errors = new AtomicInteger();
        List<Thread> threads = new ArrayList<>();
        CountDownLatch begun = new CountDownLatch(streams);
        for (int s = 0; s < streams; s++) {
            String id = name + "-" + s + "-" + System.nanoTime();
            int offset = s * tokens;
            producer.begin(id);
            threads.add(Thread.ofVirtual().start(() -> {
                try (Registration r = reader.reading(id, Duration.ZERO)) {
                    begun.countDown();
                    long after = 0;
                    while (after < tokens) {
                        SseReplayBuffer.Slice slice = reader.read(id, after, Duration.ofSeconds(10)).orElseThrow();
                        long now = System.nanoTime();
                        for (SseEvent e : slice.events()) {
                            long sent = Long.parseLong(e.data().substring(0, e.data().indexOf(' ')));
                            latency[offset + (int) after] = now - sent;
                            after++;
                        }
                        if (slice.lastSeq() != after) {
                            errors.incrementAndGet();
                            return;
                        }
                    }
                } catch (Exception e) {
                    errors.incrementAndGet();
                }
            }));
            threads.add(Thread.ofVirtual().start(() -> {
                try {
                    begun.await();
                } catch (InterruptedException e) {
                    return;
                }
                long next = System.nanoTime();
                for (int t = 1; t <= tokens; t++) {
                    long start = System.nanoTime();
                    producer.append(id, t, SseEvent.message(start + " token " + t).withId(id + "-" + t));
                    append[offset + t - 1] = System.nanoTime() - start;
                    next += paceNanos;
                    LockSupport.parkNanos(next - System.nanoTime());
                }
                producer.complete(id);
            }));
        }
        for (Thread t : threads) {
            t.join(Duration.ofMinutes(2));
        }
        if (errors.get() > 0) {
            throw new IllegalStateException(name + ": " + errors.get() + " readers failed");
        }
        Arrays.sort(latency);
        Arrays.sort(append);
        return new Result(latency, append);
    }

    // ---- 2: 2,000 concurrent streams across two servers ----

    private static void concurrent(URI uri, int total, long paceMillis) throws Exception {
        InMemorySseReplayBuffer memory = InMemorySseReplayBuffer.builder().maxStreams(total).build();
        long[] baseline = concurrentRun("in-memory buffer, one server (baseline)", memory, memory, total, null,
                paceMillis);
        try (Jedis admin = new Jedis(uri)) {
            long before = usedMemory(admin);
            long clients;
            try (RedisSseReplayBuffer a = RedisSseReplayBuffer.builder(uri).maxConnections(total).build();
                    RedisSseReplayBuffer b = RedisSseReplayBuffer.builder(uri).maxConnections(total).build()) {
                long[] redis = concurrentRun("Redis buffer, each stream read on the other server", a, b, total,
                        admin, paceMillis);
                clients = redis[2];
                System.out.printf("| added by Redis | %s | %s |%n", us(redis[0] - baseline[0]),
                        us(redis[1] - baseline[1]));
            }
            // Every connection closed: what is left is the streams themselves (kept for their TTL).
            long after = usedMemory(admin);
            long keys = admin.dbSize();
            System.out.printf("Redis used_memory: %,d bytes before, %,d with the %,d finished streams kept"
                    + " (%,d keys): %,d bytes per stream of 40 events (~35 bytes of data each); %d client"
                    + " connections at the peak%n", before, after, total, keys, (after - before) / total, clients);
        }
    }

    /** Runs the scenario; returns latency p50 and p99 in nanoseconds and Redis's client count at the peak. */
    private static long[] concurrentRun(String name, SseReplayBuffer a, SseReplayBuffer b, int total,
            Jedis admin, long paceMillis) throws Exception {
        int tokens = 40;
        long pace = TimeUnit.MILLISECONDS.toNanos(paceMillis);
        java.util.concurrent.ConcurrentLinkedQueue<String> why = new java.util.concurrent.ConcurrentLinkedQueue<>();
        {
            long[] latency = new long[total * tokens];
            AtomicInteger delivered = new AtomicInteger();
            AtomicInteger failed = new AtomicInteger();
            CountDownLatch allAppended = new CountDownLatch(total);
            CountDownLatch measured = new CountDownLatch(1);
            CountDownLatch readersIn = new CountDownLatch(total);
            List<Thread> threads = new ArrayList<>();
            long started = System.nanoTime();
            for (int s = 0; s < total; s++) {
                SseReplayBuffer producer = s % 2 == 0 ? a : b;
                SseReplayBuffer reader = s % 2 == 0 ? b : a;
                String id = "c" + s;
                int offset = s * tokens;
                producer.begin(id);
                threads.add(Thread.ofVirtual().start(() -> {
                    try (Registration r = reader.reading(id, Duration.ZERO)) {
                        readersIn.countDown();
                        long after = 0;
                        while (true) {
                            SseReplayBuffer.Slice slice = reader.read(id, after, Duration.ofSeconds(30))
                                    .orElseThrow();
                            long now = System.nanoTime();
                            for (SseEvent e : slice.events()) {
                                long sent = Long.parseLong(e.data().substring(0, e.data().indexOf(' ')));
                                latency[offset + (int) after] = now - sent;
                                after++;
                            }
                            if (slice.complete()) {
                                break;
                            }
                        }
                        if (after == tokens) {
                            delivered.incrementAndGet();
                        } else {
                            failed.incrementAndGet();
                            why.add(id + ": " + after + " events of " + tokens);
                        }
                    } catch (Exception e) {
                        failed.incrementAndGet();
                        why.add(id + ": " + e);
                    }
                }));
                threads.add(Thread.ofVirtual().start(() -> {
                    try {
                        readersIn.await();
                        // Streams start spread over one pace, as real answers do, not all in the same instant.
                        long next = System.nanoTime() + (long) (pace * ((offset / tokens) % 97) / 97.0);
                        LockSupport.parkNanos(next - System.nanoTime());
                        for (int t = 1; t <= tokens; t++) {
                            producer.append(id, t, SseEvent.message(System.nanoTime() + " token number " + t)
                                    .withId(id + "-" + t));
                            next += pace;
                            LockSupport.parkNanos(next - System.nanoTime());
                        }
                        allAppended.countDown();
                        measured.await(); // the peak: every stream in Redis, none complete
                        producer.complete(id);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }));
            }
            allAppended.await(5, TimeUnit.MINUTES);
            long clients = admin == null ? 0 : info(admin, "clients", "connected_clients");
            measured.countDown();
            for (Thread t : threads) {
                t.join(Duration.ofMinutes(2));
            }
            long took = System.nanoTime() - started;
            Arrays.sort(latency);
            if (admin == null) {
                System.out.println();
                System.out.printf("%,d concurrent resumable streams (%d tokens each, %d ms pace), token latency"
                        + " append to reader:%n", total, tokens, paceMillis);
                System.out.println("| path | p50 | p99 | streams whole and in order | failed | took |");
                System.out.println("|---|---|---|---|---|---|");
            }
            System.out.printf("| %s | %s | %s | %,d | %d | %.1f s |%n", name, us(percentile(latency, 50)),
                    us(percentile(latency, 99)), delivered.get(), failed.get(), took / 1e9);
            why.stream().limit(3).forEach(w -> System.out.println("  failed: " + w));
            return new long[] {percentile(latency, 50), percentile(latency, 99), clients};
        }
    }

    private static long usedMemory(Jedis admin) {
        return info(admin, "memory", "used_memory");
    }

    private static long info(Jedis admin, String section, String field) {
        return admin.info(section).lines().filter(l -> l.startsWith(field + ":"))
                .mapToLong(l -> Long.parseLong(l.substring(field.length() + 1).trim())).findFirst().orElse(-1);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static void awaitPing(URI uri) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            try (Jedis j = new Jedis(uri)) {
                j.ping();
                return;
            } catch (RuntimeException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                TimeUnit.MILLISECONDS.sleep(20);
            }
        }
    }
}
