package io.synapsekit.redis;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URLEncoder;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A raw HTTP/1.0 client of the test servers: it reads an SSE body up to a chosen byte and drops the connection
 * there, as a network cut would, and parses what arrived the way a browser's EventSource does (only complete
 * blocks count; an {@code id} line sets the last event id even in a block without data).
 */
final class HttpSse {

    /** One dispatched event: its type, its data and the last event id at that point. */
    record Event(String type, String data, String lastId) {
    }

    /** What a connection received. */
    record Received(int status, List<Event> events, @Nullable String lastId, int bodyBytes) {
        boolean done() {
            return !events.isEmpty() && events.get(events.size() - 1).data().equals("[DONE]");
        }
    }

    private HttpSse() {
    }

    static Received ask(int port, String query, int cutAfter) throws IOException {
        return get(port, "/stream?query=" + URLEncoder.encode(query, UTF_8), null, cutAfter);
    }

    static Received resume(int port, String lastEventId, int cutAfter) throws IOException {
        return get(port, "/stream", lastEventId, cutAfter);
    }

    /** Sends {@code POST /stream/stop} with {@code eventId}; returns the status. */
    static int stop(int port, String eventId) throws IOException {
        try (Socket s = connect(port)) {
            byte[] body = eventId.getBytes(UTF_8);
            OutputStream out = s.getOutputStream();
            out.write(("POST /stream/stop HTTP/1.0\r\nHost: 127.0.0.1\r\nContent-Length: " + body.length
                    + "\r\n\r\n").getBytes(UTF_8));
            out.write(body);
            out.flush();
            return status(new BufferedInputStream(s.getInputStream()));
        }
    }

    /** GETs {@code path}, reading at most {@code cutAfter} body bytes (all when negative), then drops it. */
    static Received get(int port, String path, @Nullable String lastEventId, int cutAfter) throws IOException {
        try (Socket s = connect(port)) {
            OutputStream out = s.getOutputStream();
            out.write(("GET " + path + " HTTP/1.0\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n"
                    + (lastEventId == null ? "" : "Last-Event-ID: " + lastEventId + "\r\n") + "\r\n")
                    .getBytes(UTF_8));
            out.flush();
            InputStream in = new BufferedInputStream(s.getInputStream());
            int status = status(in);
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            byte[] buf = new byte[4096];
            while (cutAfter < 0 || body.size() < cutAfter) {
                int want = cutAfter < 0 ? buf.length : Math.min(buf.length, cutAfter - body.size());
                int n = in.read(buf, 0, want);
                if (n < 0) {
                    break;
                }
                body.write(buf, 0, n);
            }
            return parse(status, body.toByteArray());
        }
    }

    /**
     * Opens {@code path} and parses its events as they arrive, on a virtual thread, into a queue; the end of the
     * body puts {@link #END}. {@code close()} drops the connection.
     */
    static Live open(int port, String path, @Nullable String lastEventId) throws IOException {
        Socket s = connect(port);
        OutputStream out = s.getOutputStream();
        out.write(("GET " + path + " HTTP/1.0\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n"
                + (lastEventId == null ? "" : "Last-Event-ID: " + lastEventId + "\r\n") + "\r\n")
                .getBytes(UTF_8));
        out.flush();
        InputStream in = new BufferedInputStream(s.getInputStream());
        int status = status(in);
        return new Live(s, in, status);
    }

    /** The event a {@link Live} queue ends with. */
    static final Event END = new Event("end", "", "");

    /** A connection whose events arrive in a queue. */
    static final class Live implements AutoCloseable {
        final int status;
        private final Socket socket;
        final java.util.concurrent.BlockingQueue<Event> events = new java.util.concurrent.LinkedBlockingQueue<>();

        Live(Socket socket, InputStream in, int status) {
            this.socket = socket;
            this.status = status;
            Thread.ofVirtual().name("test-sse-client").start(() -> {
                ByteArrayOutputStream pending = new ByteArrayOutputStream();
                String lastId = null;
                try {
                    int b;
                    int previous = -1;
                    while ((b = in.read()) >= 0) {
                        pending.write(b);
                        if (b == '\n' && previous == '\n') {
                            Received r = parse(200, pending.toByteArray());
                            for (Event e : r.events()) {
                                events.add(e.lastId() == null && lastId != null
                                        ? new Event(e.type(), e.data(), lastId) : e);
                            }
                            if (r.lastId() != null) {
                                lastId = r.lastId();
                            }
                            pending.reset();
                            previous = -1;
                            continue;
                        }
                        previous = b;
                    }
                } catch (IOException e) {
                    // closed by the test, or by the server
                } finally {
                    events.add(END);
                }
            });
        }

        /** Returns the next event within {@code seconds}; fails the test when none comes. */
        Event next(long seconds) throws InterruptedException {
            Event e = events.poll(seconds, java.util.concurrent.TimeUnit.SECONDS);
            if (e == null) {
                throw new AssertionError("no event within " + seconds + " s");
            }
            return e;
        }

        /** Reads until the end of the body, within {@code seconds}; returns what came. */
        List<Event> rest(long seconds) throws InterruptedException {
            List<Event> out = new ArrayList<>();
            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(seconds);
            while (true) {
                Event e = events.poll(Math.max(0, deadline - System.nanoTime()),
                        java.util.concurrent.TimeUnit.NANOSECONDS);
                if (e == null) {
                    throw new AssertionError("the stream did not end within " + seconds + " s; so far " + out);
                }
                if (e == END) {
                    return out;
                }
                out.add(e);
            }
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    private static Socket connect(int port) throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5_000);
        s.setSoTimeout(20_000); // bounds every read: a hang fails the test instead of stalling it
        return s;
    }

    /** Reads the status line and the headers; returns the status. */
    private static int status(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        byte[] end = {'\r', '\n', '\r', '\n'};
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection closed in the headers: " + head.toString(UTF_8));
            }
            head.write(b);
            matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        String statusLine = head.toString(UTF_8).lines().findFirst().orElseThrow();
        return Integer.parseInt(statusLine.split(" ")[1]);
    }

    static Received parse(int status, byte[] body) {
        int complete = -1;
        for (int i = body.length - 2; i >= 0; i--) {
            if (body[i] == '\n' && body[i + 1] == '\n') {
                complete = i + 2;
                break;
            }
        }
        List<Event> events = new ArrayList<>();
        String lastId = null;
        if (complete > 0) {
            String text = new String(body, 0, complete, UTF_8);
            for (String block : text.split("\n\n")) {
                String type = "message";
                StringBuilder data = null;
                for (String line : block.split("\n")) {
                    if (line.startsWith("id: ")) {
                        lastId = line.substring(4);
                    } else if (line.startsWith("event: ")) {
                        type = line.substring(7);
                    } else if (line.startsWith("data: ") || line.equals("data:")) {
                        String d = line.length() > 6 ? line.substring(6) : "";
                        data = data == null ? new StringBuilder(d) : data.append('\n').append(d);
                    }
                }
                if (data != null) {
                    events.add(new Event(type, data.toString(), lastId));
                }
            }
        }
        return new Received(status, events, lastId, body.length);
    }
}
