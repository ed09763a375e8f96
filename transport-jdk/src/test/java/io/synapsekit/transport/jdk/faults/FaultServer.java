package io.synapsekit.transport.jdk.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A raw HTTP/1.1 server on loopback whose every byte is scripted, for faults MockWebServer cannot time exactly: a
 * reset after the client has read a given token, a close between request and headers, a stall at any point.
 *
 * <p>One virtual thread per connection reads the request, then runs the {@link Script}. It counts requests and the
 * connections still open on its side, so a test can prove every connection was released. A connection counts as
 * open until the script ends and the socket is closed; scripts that wait for the client to go away
 * ({@link Exchange#awaitClientGone}) thereby measure that the client released it.
 */
final class FaultServer implements AutoCloseable {

    /** What the server does with one request. */
    @FunctionalInterface
    interface Script {
        void run(Exchange exchange) throws IOException, InterruptedException;
    }

    /** One accepted request and its connection. */
    static final class Exchange {
        final int index;
        /** The request head and body. */
        final String head;
        private final Socket socket;
        private final InputStream in;
        private final OutputStream out;

        Exchange(int index, String head, Socket socket, InputStream in, OutputStream out) {
            this.index = index;
            this.head = head;
            this.socket = socket;
            this.in = in;
            this.out = out;
        }

        /** Writes a status line and headers; the body then runs until the server closes (Connection: close). */
        Exchange headers(int status, String contentType, String... extra) throws IOException {
            StringBuilder h = new StringBuilder("HTTP/1.1 " + status + " X\r\nConnection: close\r\n");
            if (contentType != null) {
                h.append("Content-Type: ").append(contentType).append("\r\n");
            }
            for (String e : extra) {
                h.append(e).append("\r\n");
            }
            return write(h.append("\r\n").toString());
        }

        Exchange write(String text) throws IOException {
            out.write(text.getBytes(StandardCharsets.UTF_8));
            out.flush();
            return this;
        }

        /** Writes {@code text} one byte per TCP write, flushing each. */
        Exchange writeBytewise(String text) throws IOException {
            socket.setTcpNoDelay(true);
            for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
                out.write(b);
                out.flush();
            }
            return this;
        }

        /** Blocks until the client closes or resets its side, or {@code max} passes; returns whether it did. */
        boolean awaitClientGone(Duration max) throws IOException {
            socket.setSoTimeout((int) max.toMillis());
            try {
                while (in.read() >= 0) {
                    // the request is read already; anything more is ignored
                }
                return true;
            } catch (java.net.SocketTimeoutException e) {
                return false;
            } catch (SocketException e) {
                return true; // reset by the client: gone too
            }
        }

        /** Closes the connection with a TCP reset (RST) instead of an orderly close. */
        void reset() throws IOException {
            socket.setSoLinger(true, 0);
            socket.close();
        }
    }

    private final ServerSocket server;
    private final Script script;
    private final Thread acceptor;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicInteger scriptFailures = new AtomicInteger();

    FaultServer(Script script) throws IOException {
        this.server = new ServerSocket(0, 1000, InetAddress.getLoopbackAddress());
        this.script = script;
        this.acceptor = Thread.ofVirtual().name("fault-server-accept").start(this::acceptLoop);
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            Socket s;
            try {
                s = server.accept();
            } catch (IOException e) {
                return; // closed
            }
            open.add(s);
            Thread.ofVirtual().name("fault-server-conn").start(() -> serve(s));
        }
    }

    private void serve(Socket s) {
        try (s) {
            InputStream in = s.getInputStream();
            String head = readRequest(in);
            if (head == null) {
                return;
            }
            int index = requests.getAndIncrement();
            script.run(new Exchange(index, head, s, in, s.getOutputStream()));
        } catch (SocketException e) {
            // the client went away mid-script: a normal end for these tests
        } catch (IOException | InterruptedException | RuntimeException e) {
            scriptFailures.incrementAndGet();
        } finally {
            open.remove(s);
        }
    }

    /** Reads the request head and its Content-Length body; returns both, or null at EOF. */
    static String readRequest(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (head.length() < 4 || !head.substring(head.length() - 4).equals("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                return null;
            }
            head.append((char) b);
        }
        Matcher m = Pattern.compile("(?i)content-length:\\s*(\\d+)").matcher(head);
        if (m.find()) {
            head.append(new String(in.readNBytes(Integer.parseInt(m.group(1))), StandardCharsets.UTF_8));
        }
        return head.toString();
    }

    String url() {
        return "http://127.0.0.1:" + server.getLocalPort();
    }

    /** Requests whose head was read. */
    int requests() {
        return requests.get();
    }

    /** Connections accepted and not yet closed by the server. */
    int openConnections() {
        return open.size();
    }

    /** Scripts that failed with something other than the client leaving. */
    int scriptFailures() {
        return scriptFailures.get();
    }

    /** Polls until no connection is open, up to {@code max}; returns whether none is. */
    boolean awaitNoOpenConnections(Duration max) throws InterruptedException {
        long deadline = System.nanoTime() + max.toNanos();
        while (!open.isEmpty()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            TimeUnit.MILLISECONDS.sleep(10); // the polling interval of a deadline poll
        }
        return true;
    }

    /**
     * The check every fault test ends with: the server's side of every connection was released within five
     * seconds and every script ran as written; then closes the server.
     */
    void closeVerified() throws IOException, InterruptedException {
        try {
            assertThat(awaitNoOpenConnections(Duration.ofSeconds(5)))
                    .as("the server's side of every connection was released").isTrue();
            assertThat(scriptFailures()).as("server scripts ran as written").isZero();
        } finally {
            close();
        }
    }

    @Override
    public void close() throws IOException, InterruptedException {
        server.close();
        for (Socket s : open) {
            s.close();
        }
        acceptor.join(Duration.ofSeconds(5));
    }
}
