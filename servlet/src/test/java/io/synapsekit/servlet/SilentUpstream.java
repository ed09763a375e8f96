package io.synapsekit.servlet;

import static java.nio.charset.StandardCharsets.US_ASCII;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A loopback LLM upstream that accepts a streaming request, sends the response headers and then says nothing,
 * like a model thinking for minutes, while it watches its connection: it records the moment the client closed
 * it. On raw sockets, so that it sees the close at once (an HTTP server would notice only at its next write).
 */
final class SilentUpstream implements AutoCloseable {

    private final ServerSocket server;
    private final Thread acceptor;
    final CountDownLatch requested = new CountDownLatch(1);
    final CountDownLatch closedByClient = new CountDownLatch(1);
    final AtomicLong closedAtNanos = new AtomicLong();

    SilentUpstream() throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        acceptor = Thread.ofVirtual().name("silent-upstream").start(this::accept);
    }

    String baseUrl() {
        return "http://127.0.0.1:" + server.getLocalPort() + "/v1";
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                Thread.ofVirtual().start(() -> serve(s));
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void serve(Socket socket) {
        try (socket) {
            InputStream in = socket.getInputStream();
            int length = 0;
            for (String line = line(in); !line.isEmpty(); line = line(in)) {
                String lower = line.toLowerCase(Locale.ROOT);
                if (lower.startsWith("content-length:")) {
                    length = Integer.parseInt(lower.substring("content-length:".length()).strip());
                }
            }
            in.readNBytes(length);
            OutputStream out = socket.getOutputStream();
            out.write(("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n")
                    .getBytes(US_ASCII));
            out.flush();
            requested.countDown();
            while (in.read() >= 0) {
                // the client sends nothing more; read() returns -1 (or fails) when it closes the connection
            }
        } catch (IOException e) {
            // a reset: closed as well
        }
        closedAtNanos.compareAndSet(0, System.nanoTime());
        closedByClient.countDown();
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder s = new StringBuilder();
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0) {
                throw new IOException("connection closed in the request head");
            }
            if (b != '\r') {
                s.append((char) b);
            }
        }
        return s.toString();
    }

    @Override
    public void close() throws IOException {
        server.close();
        acceptor.interrupt();
    }
}
