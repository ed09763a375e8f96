package io.synapsekit.examples;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A real {@code redis-server} on a free loopback port, without persistence, started by the test and killed after
 * it. Without the binary the test is skipped, or fails when {@code SYNAPSEKIT_REQUIRE_REDIS=1} (as on CI).
 */
final class LocalRedis implements AutoCloseable {

    private static final Duration START_WITHIN = Duration.ofSeconds(10);

    private final int port;
    private final Process process;

    private LocalRedis(int port, Process process) {
        this.port = port;
        this.process = process;
    }

    /** Starts a server on a free port; skips (or fails, if required) when redis-server is missing. */
    static LocalRedis start() throws IOException, InterruptedException {
        Path binary = binary();
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Process process = new ProcessBuilder(binary.toString(), "--port", Integer.toString(port), "--bind",
                "127.0.0.1", "--save", "", "--appendonly", "no", "--protected-mode", "no")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        LocalRedis redis = new LocalRedis(port, process);
        long deadline = System.nanoTime() + START_WITHIN.toNanos();
        while (!redis.answersPing()) {
            if (!process.isAlive()) {
                throw new AssertionError("redis-server exited with " + process.exitValue() + " on port " + port);
            }
            if (System.nanoTime() > deadline) {
                redis.close();
                throw new AssertionError("redis-server did not answer PING within " + START_WITHIN);
            }
            TimeUnit.MILLISECONDS.sleep(10); // polling for a process to come up, not synchronising our threads
        }
        return redis;
    }

    private static Path binary() {
        for (String candidate : List.of("/usr/bin/redis-server", "/usr/local/bin/redis-server")) {
            Path p = Path.of(candidate);
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        String message = "redis-server is not installed (apt-get install redis-server)";
        if ("1".equals(System.getenv("SYNAPSEKIT_REQUIRE_REDIS"))) {
            throw new AssertionError(message + ", and SYNAPSEKIT_REQUIRE_REDIS=1 requires it");
        }
        Assumptions.abort(message + "; skipping (set SYNAPSEKIT_REQUIRE_REDIS=1 to fail instead)");
        throw new AssertionError("unreachable");
    }

    URI uri() {
        return URI.create("redis://127.0.0.1:" + port);
    }

    private boolean answersPing() {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
            s.setSoTimeout(500);
            OutputStream out = s.getOutputStream();
            out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            byte[] buf = in.readNBytes(7);
            return new String(buf, StandardCharsets.US_ASCII).equals("+PONG\r\n");
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public void close() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            throw new AssertionError("redis-server did not die");
        }
    }
}
