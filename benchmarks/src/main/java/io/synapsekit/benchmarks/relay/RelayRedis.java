package io.synapsekit.benchmarks.relay;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The {@code redis-server} of the relay's {@code redis} variant, started by the benchmark on a free loopback port
 * without persistence ({@code --save '' --appendonly no}) and with {@code --maxclients 20000}, stopped by
 * {@link #close()}. Spoken to over a plain socket (inline commands, one reply line each): the benchmark needs only
 * to know it is up, how many clients it accepts, and to empty it between servers.
 */
final class RelayRedis implements AutoCloseable {

    static final String BINARY = "/usr/bin/redis-server";
    private static final Duration START = Duration.ofSeconds(15);
    private static final int MAX_CLIENTS = 20_000;

    private final Process process;
    private final int port;

    private RelayRedis(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    /** Starts Redis and waits, at most {@value #START} long, until it answers {@code PING}. */
    static RelayRedis start() throws IOException, InterruptedException {
        if (!Path.of(BINARY).toFile().canExecute()) {
            throw new IllegalStateException("the redis variant needs " + BINARY + " (apt-get install redis-server)");
        }
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        List<String> command = new ArrayList<>(List.of(BINARY, "--port", String.valueOf(port), "--bind",
                "127.0.0.1", "--save", "", "--appendonly", "no", "--maxclients", String.valueOf(MAX_CLIENTS)));
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        RelayRedis redis = new RelayRedis(process, port);
        // Also stopped when the benchmark is killed: a redis-server outlives the JVM that started it.
        Runtime.getRuntime().addShutdownHook(new Thread(process::destroyForcibly, "relay-redis-stop"));
        long deadline = System.nanoTime() + START.toNanos();
        IOException last = null;
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("redis-server exited at start with " + process.exitValue()
                        + " (port " + port + " taken?)");
            }
            try {
                if (redis.command("PING").equals("+PONG")) {
                    return redis;
                }
            } catch (IOException e) {
                last = e;
            }
            Thread.sleep(20); // polling a server's start with a deadline
        }
        redis.close();
        throw new IllegalStateException("redis-server did not answer PING within " + START + ": " + last);
    }

    /** Returns {@code host:port}. */
    String address() {
        return "127.0.0.1:" + port;
    }

    /** Returns how many clients Redis accepts: {@value #MAX_CLIENTS}, or less when its file limit is lower. */
    int maxClients() throws IOException {
        // CONFIG GET's reply is an array: *2, $10, maxclients, $n, value
        try (Socket socket = connect()) {
            socket.getOutputStream().write("CONFIG GET maxclients\r\n".getBytes(StandardCharsets.US_ASCII));
            InputStream in = new BufferedInputStream(socket.getInputStream());
            String value = "";
            for (int i = 0; i < 5; i++) {
                value = line(in);
            }
            return Integer.parseInt(value.trim());
        }
    }

    /** Empties Redis, so that every server of the {@code redis} variant starts against the same Redis. */
    void flush() throws IOException {
        String reply = command("FLUSHALL");
        if (!reply.equals("+OK")) {
            throw new IOException("FLUSHALL answered " + reply);
        }
    }

    /** Returns Redis's CPU time so far, in seconds. */
    double cpuSeconds() {
        return process.toHandle().info().totalCpuDuration().map(Duration::toNanos).orElse(0L) / 1e9;
    }

    /** Returns Redis's resident memory in KB, from {@code /proc}, or -1. */
    long rssKb() {
        try {
            for (String l : java.nio.file.Files.readAllLines(Path.of("/proc/" + process.pid() + "/status"))) {
                if (l.startsWith("VmRSS:")) {
                    return Long.parseLong(l.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | RuntimeException notLinux) {
            // no reading
        }
        return -1;
    }

    private String command(String command) throws IOException {
        try (Socket socket = connect()) {
            OutputStream out = socket.getOutputStream();
            out.write((command + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return line(new BufferedInputStream(socket.getInputStream()));
        }
    }

    private Socket connect() throws IOException {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", port), 1_000);
        socket.setSoTimeout(10_000);
        return socket;
    }

    private static String line(InputStream in) throws IOException {
        byte[] buffer = new byte[512];
        int n = RelayReaders.readLine(in, buffer);
        if (n < 0) {
            throw new IOException("Redis closed the connection");
        }
        return new String(buffer, 0, n, StandardCharsets.US_ASCII);
    }

    /** Stops Redis (SIGTERM, then SIGKILL after 10 s). */
    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
