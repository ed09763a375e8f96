package io.synapsekit.benchmarks.connections;

import io.synapsekit.benchmarks.LoopbackJetty;
import io.synapsekit.llm.LLMEvent;
import io.synapsekit.servlet.SseServlet;
import io.synapsekit.servlet.UiMessageServlet;
import jakarta.servlet.http.HttpServlet;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.eclipse.jetty.server.Server;

/**
 * The server side of {@link StreamConnectionsBenchmark}, in a JVM of its own so that its heap, RSS and CPU are its
 * own: Jetty 12 (ee10) on loopback, request handling on virtual threads, serving one of the two variants from a
 * scripted model: {@code ui}, {@link UiMessageServlet} at {@code /api/chat/*}, or {@code plain}, {@link SseServlet}'s
 * token stream at {@code /stream}.
 *
 * <p>The question chooses the answer: {@code warm} streams the tokens unpaced (the warm-up); {@code load} streams
 * them {@link #paceMs} apart and, halfway, holds until {@link #connections} streams have reached that point, so
 * that all are open at once when the memory is read, then goes on.
 *
 * <p>Speaks with the benchmark over its standard streams: prints {@code PORT n}; on the line {@code idle} it reads
 * its memory and prints {@code IDLE …}; when all streams are held it prints {@code LOADED …} and releases them;
 * it exits when its standard input closes.
 */
public final class StreamingServer {

    /** How long the held streams wait for the rest before the reading is given up. */
    private static final long HOLD_SECONDS = 180;

    private final int connections;
    private final int paceMs;
    private final List<String> tokens = StreamConnectionsBenchmark.tokens();
    private final CountDownLatch arrived;
    private final CountDownLatch released = new CountDownLatch(1);
    private final AtomicInteger open = new AtomicInteger();
    private volatile Map<String, long[]> idleHistogram = Map.of();

    private StreamingServer(int connections, int paceMs) {
        this.connections = connections;
        this.paceMs = paceMs;
        this.arrived = new CountDownLatch(connections);
    }

    public static void main(String[] args) throws Exception {
        String variant = args[0];
        StreamingServer model = new StreamingServer(Integer.parseInt(args[1]), Integer.parseInt(args[2]));
        HttpServlet servlet = switch (variant) {
            case "ui" -> UiMessageServlet.llm(call -> model.events(call.question()));
            case "plain" -> SseServlet.tokens(model::tokens);
            default -> throw new IllegalArgumentException("variant must be ui or plain: " + variant);
        };
        Server server = LoopbackJetty.start(servlet, variant.equals("ui") ? "/api/chat/*" : "/stream",
                4096, Duration.ofSeconds(HOLD_SECONDS + 60));
        System.out.println("PORT " + LoopbackJetty.port(server));
        System.out.flush();

        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            if (line.equals("idle")) {
                String reading = memory();
                model.idleHistogram = histogram();
                System.out.println("IDLE " + reading);
                System.out.flush();
                Thread.ofVirtual().name("hold").start(model::readWhenAllHeld);
            }
        }
        model.released.countDown();
        server.stop();
        System.exit(0);
    }

    /** Waits for every {@code load} stream to reach the hold, reads the memory, and lets them go on. */
    private void readWhenAllHeld() {
        try {
            boolean all = arrived.await(HOLD_SECONDS, TimeUnit.SECONDS);
            long cpu0 = cpuNanos();
            String reading = memory();
            long readingCpu = cpuNanos() - cpu0;
            printGrowth(idleHistogram, histogram(), connections - arrived.getCount());
            System.out.printf(Locale.ROOT, "LOADED %s held=%d open=%d readingCpuMs=%.1f%n", reading,
                    connections - arrived.getCount(), open.get(), readingCpu / 1e6);
            System.out.flush();
            if (!all) {
                System.err.println("only " + (connections - arrived.getCount()) + " of " + connections
                        + " streams reached the hold within " + HOLD_SECONDS + " s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            released.countDown();
        }
    }

    /** The scripted model's tokens for {@code question}. */
    Stream<String> tokens(String question) {
        boolean load = question.equals("load");
        if (load) {
            open.incrementAndGet();
        }
        Spliterator<String> paced = new Spliterators.AbstractSpliterator<>(tokens.size(), Spliterator.ORDERED) {
            private int next;

            @Override
            public boolean tryAdvance(java.util.function.Consumer<? super String> action) {
                if (next == tokens.size()) {
                    return false;
                }
                if (load) {
                    pause();
                }
                action.accept(tokens.get(next++));
                return true;
            }

            private void pause() {
                try {
                    if (next == tokens.size() / 2) {
                        arrived.countDown();
                        released.await();
                    }
                    Thread.sleep(paceMs); // the model's pace: this is what a slow model looks like to the server
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("the stream was cancelled", e);
                }
            }
        };
        return StreamSupport.stream(paced, false).onClose(() -> {
            if (load) {
                open.decrementAndGet();
            }
        });
    }

    /** The same tokens as LLM events, then the finish: what an {@code LLM}'s {@code events} gives. */
    Stream<LLMEvent> events(String question) {
        Stream<String> t = tokens(question);
        return Stream.<LLMEvent>concat(t.map(LLMEvent.Token::new), Stream.of(new LLMEvent.Finish("stop")))
                .onClose(t::close);
    }

    /** Live heap after full collections, the heap committed, RSS and platform threads, as key=value pairs. */
    static String memory() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        var heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        return String.format(Locale.ROOT, "heapUsedKb=%d heapCommittedKb=%d rssKb=%d platformThreads=%d",
                heap.getUsed() / 1024, heap.getCommitted() / 1024, status("VmRSS:"),
                ManagementFactory.getThreadMXBean().getThreadCount());
    }

    /**
     * With {@code -Dconnections.histogram=N}, the live heap's class histogram (bytes and instances per class, after
     * a full collection), read through the {@code DiagnosticCommand} MBean; empty without it.
     */
    static Map<String, long[]> histogram() {
        if (Integer.getInteger("connections.histogram", 0) <= 0) {
            return Map.of();
        }
        try {
            String text = (String) ManagementFactory.getPlatformMBeanServer().invoke(
                    new javax.management.ObjectName("com.sun.management:type=DiagnosticCommand"), "gcClassHistogram",
                    new Object[] {new String[0]}, new String[] {String[].class.getName()});
            Map<String, long[]> byClass = new HashMap<>();
            for (String line : text.split("\n")) {
                String[] f = line.trim().split("\\s+");
                if (f.length >= 4 && f[0].endsWith(":")) {
                    byClass.put(f[3], new long[] {Long.parseLong(f[1]), Long.parseLong(f[2])});
                }
            }
            return byClass;
        } catch (Exception e) {
            throw new IllegalStateException("no class histogram: " + e, e);
        }
    }

    /** Prints, to standard error, the classes whose live bytes grew most from idle to loaded, per connection. */
    private static void printGrowth(Map<String, long[]> idle, Map<String, long[]> loaded, long held) {
        int top = Integer.getInteger("connections.histogram", 0);
        if (top <= 0 || held == 0) {
            return;
        }
        List<Map.Entry<String, long[]>> growth = new ArrayList<>();
        loaded.forEach((name, l) -> {
            long[] i = idle.getOrDefault(name, new long[2]);
            growth.add(Map.entry(name, new long[] {l[0] - i[0], l[1] - i[1]}));
        });
        growth.sort((a, b) -> Long.compare(b.getValue()[1], a.getValue()[1]));
        System.err.printf(Locale.ROOT, "live heap growth per held stream, top %d classes:%n", top);
        for (Map.Entry<String, long[]> e : growth.subList(0, Math.min(top, growth.size()))) {
            System.err.printf(Locale.ROOT, "  %8.1f B %6.2f objects  %s%n", e.getValue()[1] / (double) held,
                    e.getValue()[0] / (double) held, e.getKey());
        }
    }

    /** A {@code kB} field of {@code /proc/self/status}, or -1 off Linux. */
    static long status(String field) {
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

    static long cpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }
}
