package io.synapsekit.redis;

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
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A real {@code redis-server} on a free loopback port, without persistence, started by the test and killed after
 * it. Without the binary the test is skipped, or fails when {@code SYNAPSEKIT_REQUIRE_REDIS=1} (as on CI).
 */
final class RedisServer implements AutoCloseable {

    private static final Duration START_WITHIN = Duration.ofSeconds(10);

    private final Path binary;
    private final int port;
    private final List<String> options;
    private Process process;

    private RedisServer(Path binary, int port, List<String> options) {
        this.binary = binary;
        this.port = port;
        this.options = options;
    }

    /**
     * Starts a server on a free port, with extra command-line {@code options} (such as {@code --requirepass x});
     * skips (or fails, if required) when redis-server is missing.
     */
    static RedisServer start(String... options) throws IOException, InterruptedException {
        Path binary = binary();
        RedisServer server = new RedisServer(binary, freePort(), List.of(options));
        server.startProcess();
        return server;
    }

    static Path binary() {
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

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    URI uri() {
        return URI.create("redis://127.0.0.1:" + port);
    }

    int port() {
        return port;
    }

    /** Kills the server at once (SIGKILL), as a crash or a pulled cable would, and waits for it to be gone. */
    void kill() throws InterruptedException {
        if (process != null) {
            process.destroyForcibly();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                throw new AssertionError("redis-server did not die");
            }
            process = null;
        }
    }

    /** Freezes the server (SIGSTOP): connections stay open and nothing answers, as a hung host behaves. */
    void freeze() throws IOException, InterruptedException {
        signal("STOP");
    }

    /** Lets a frozen server go on (SIGCONT). */
    void thaw() throws IOException, InterruptedException {
        signal("CONT");
    }

    private void signal(String name) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).start();
        if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
            throw new AssertionError("kill -" + name + " failed");
        }
    }

    /** Starts the server again on the same port, empty (no persistence). */
    void restart() throws IOException, InterruptedException {
        kill();
        startProcess();
    }

    private void startProcess() throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(binary.toString(), "--port",
                Integer.toString(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                "--protected-mode", "no"));
        command.addAll(options);
        process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        long deadline = System.nanoTime() + START_WITHIN.toNanos();
        while (!answersPing()) {
            if (!process.isAlive()) {
                throw new AssertionError("redis-server exited with " + process.exitValue() + " on port " + port);
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("redis-server did not answer PING within " + START_WITHIN);
            }
            Thread.onSpinWait();
            TimeUnit.MILLISECONDS.sleep(10); // polling for a process to come up, not synchronising our threads
        }
    }

    private boolean answersPing() {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
            s.setSoTimeout(500);
            OutputStream out = s.getOutputStream();
            out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            byte[] buf = new byte[7];
            int n = in.readNBytes(buf, 0, 7);
            String reply = new String(buf, 0, n, StandardCharsets.US_ASCII);
            return reply.equals("+PONG\r\n") || reply.equals("-NOAUTH");   // up, and wants a password
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public void close() throws InterruptedException {
        kill();
    }
}
