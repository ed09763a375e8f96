package io.synapsekit.examples.web;

import io.synapsekit.servlet.SseServlet;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * How many open SSE streams one server holds, and what each costs: a child JVM runs the Jetty web stack
 * ({@link SseServlet} on virtual threads, a source per stream that sends a token every 10 seconds, like a model
 * that thinks long), and this process opens connections with one non-blocking selector thread, so the client is
 * never the limit. Memory is measured in the server process: resident set size and heap after GC, before any
 * stream and with all of them open.
 *
 * <p>{@code java -cp … io.synapsekit.examples.web.SseCapacity 10000}
 */
public final class SseCapacity {

    private SseCapacity() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("server")) {
            server(System.out);
            return;
        }
        int target = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        client(target, System.out);
    }

    // ---- the server: one child JVM ----

    private static void server(PrintStream out) throws Exception {
        AtomicLong started = new AtomicLong();
        SseServlet servlet = SseServlet.tokens(query -> {
            started.incrementAndGet();
            return Stream.iterate(0, i -> i + 1).map(i -> {
                if (i > 0) {
                    try {
                        Thread.sleep(10_000); // the model's pace
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IllegalStateException("cancelled", e);
                    }
                }
                return "t" + i + " ";
            });
        });
        try (JettyApp app = JettyApp.startOnLoopback(Map.of("/stream", servlet), List.of())) {
            out.println("PORT " + app.port());
            out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            for (String line; (line = in.readLine()) != null; ) {
                if (line.equals("stats")) {
                    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
                    System.gc();
                    System.gc();
                    out.println("STATS heap=" + memory.getHeapMemoryUsage().getUsed() + " rss=" + rssBytes()
                            + " platformThreads=" + ManagementFactory.getThreadMXBean().getThreadCount()
                            + " streams=" + started.get() + " threadNames=" + threadNames());
                    out.flush();
                } else if (line.equals("quit")) {
                    return;
                }
            }
        }
    }

    /** Platform threads by name, digits dropped: which pools hold threads. */
    private static String threadNames() {
        java.util.TreeMap<String, Integer> names = new java.util.TreeMap<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            names.merge(t.getName().replaceAll("\\d+", "#"), 1, Integer::sum);
        }
        return names.toString().replace(" ", "");
    }

    private static long rssBytes() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
            }
        }
        return -1;
    }

    // ---- the client: this JVM ----

    private static void client(int target, PrintStream out) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        Process server = new ProcessBuilder(java, "-Xmx2g", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                "-cp", System.getProperty("java.class.path"), SseCapacity.class.getName(), "server")
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        BufferedReader fromServer = new BufferedReader(new InputStreamReader(server.getInputStream(),
                StandardCharsets.UTF_8));
        PrintStream toServer = new PrintStream(server.getOutputStream(), true, StandardCharsets.UTF_8);
        try {
            int port = Integer.parseInt(expect(fromServer, "PORT ").trim());
            toServer.println("stats");
            Stats before = Stats.parse(expect(fromServer, "STATS "));
            long t0 = System.nanoTime();
            int open = openStreams(port, target);
            double seconds = (System.nanoTime() - t0) / 1e9;
            toServer.println("stats");
            Stats after = Stats.parse(expect(fromServer, "STATS "));
            out.printf("SSE streams open at once: %,d of %,d (opened in %.1f s; server saw %,d answers)%n", open,
                    target, seconds, after.streams);
            out.printf("server RSS: %,d MiB -> %,d MiB: %,d bytes per open stream%n", before.rss >> 20,
                    after.rss >> 20, open == 0 ? 0 : (after.rss - before.rss) / open);
            out.printf("server heap after GC: %,d MiB -> %,d MiB: %,d bytes per open stream%n", before.heap >> 20,
                    after.heap >> 20, open == 0 ? 0 : (after.heap - before.heap) / open);
            out.printf("server platform threads: %d -> %d %s%n", before.platformThreads, after.platformThreads,
                    after.threadNames);
            toServer.println("quit");
        } finally {
            server.destroy();
            server.waitFor();
        }
    }

    /** Opens {@code target} connections and waits until each received its first event; returns how many did. */
    private static int openStreams(int port, int target) throws IOException {
        byte[] request = ("GET /stream?query=capacity HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        List<SocketChannel> channels = new ArrayList<>(target);
        int streaming = 0;
        try (Selector selector = Selector.open()) {
            ByteBuffer buffer = ByteBuffer.allocate(4096);
            int opened = 0;
            long deadline = System.nanoTime() + 120_000_000_000L;
            while (streaming < target && System.nanoTime() < deadline) {
                // Keep at most 500 handshakes in flight, as a crowd of browsers arriving would.
                while (opened < target && opened - streaming < 500) {
                    SocketChannel ch = SocketChannel.open();
                    ch.configureBlocking(false);
                    ch.connect(new InetSocketAddress("127.0.0.1", port));
                    ch.register(selector, SelectionKey.OP_CONNECT, new StringBuilder());
                    channels.add(ch);
                    opened++;
                }
                selector.select(1_000);
                for (Iterator<SelectionKey> it = selector.selectedKeys().iterator(); it.hasNext(); ) {
                    SelectionKey key = it.next();
                    it.remove();
                    SocketChannel ch = (SocketChannel) key.channel();
                    if (key.isConnectable() && ch.finishConnect()) {
                        ch.write(ByteBuffer.wrap(request));
                        key.interestOps(SelectionKey.OP_READ);
                    } else if (key.isReadable()) {
                        buffer.clear();
                        int n = ch.read(buffer);
                        if (n < 0) {
                            key.cancel();
                            continue;
                        }
                        StringBuilder seen = (StringBuilder) key.attachment();
                        seen.append(new String(buffer.array(), 0, n, StandardCharsets.US_ASCII));
                        if (seen.indexOf("data: t0") >= 0) {
                            streaming++;
                            key.interestOps(0); // holds the stream open; reads nothing more
                            key.attach(null);
                        }
                    }
                }
            }
            return streaming;
        } finally {
            // Measured already; the server is stopped next. Closing here keeps this process tidy.
            for (SocketChannel ch : channels) {
                ch.close();
            }
        }
    }

    private static String expect(BufferedReader in, String prefix) throws IOException {
        for (String line; (line = in.readLine()) != null; ) {
            if (line.startsWith(prefix)) {
                return line.substring(prefix.length());
            }
        }
        throw new IOException("the server process ended before printing " + prefix);
    }

    private record Stats(long heap, long rss, int platformThreads, long streams, String threadNames) {
        static Stats parse(String line) {
            long heap = 0;
            long rss = 0;
            int threads = 0;
            long streams = 0;
            String names = "";
            for (String field : line.trim().split(" ")) {
                String[] kv = field.split("=");
                switch (kv[0]) {
                    case "heap" -> heap = Long.parseLong(kv[1]);
                    case "rss" -> rss = Long.parseLong(kv[1]);
                    case "platformThreads" -> threads = Integer.parseInt(kv[1]);
                    case "streams" -> streams = Long.parseLong(kv[1]);
                    case "threadNames" -> names = field.substring("threadNames=".length());
                    default -> { }
                }
            }
            return new Stats(heap, rss, threads, streams, names);
        }
    }
}
