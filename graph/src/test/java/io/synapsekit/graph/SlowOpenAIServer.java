package io.synapsekit.graph;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A loopback HTTP/1.1 server speaking OpenAI's streaming Chat Completions, with keep-alive, that records when the
 * client leaves each streamed answer.
 *
 * <p>A request whose prompt is {@code round-N-short} gets a short complete answer, after which the connection stays
 * open for the next request (so the client pools it). A request whose prompt is {@code round-N-stream} gets an answer
 * that writes {@link #BURST} token chunks at once, then one every millisecond for up to {@link #STREAM_FOR}; the first write that fails marks the
 * moment the client closed the connection (a closed loopback socket answers the next write with a reset), and that
 * time is recorded in the answer's {@link Streamed} record. An answer still being written when the server closes was
 * never left by its client.
 */
final class SlowOpenAIServer implements AutoCloseable {

    /** How long a streamed answer goes on when nobody closes it. */
    static final long STREAM_FOR = TimeUnit.SECONDS.toNanos(5);

    /**
     * How many tokens a streamed answer sends at once before pacing itself: more than a graph stream queues, so a
     * reader that stops reading soon stalls the node and the HTTP client stops reading the socket.
     */
    static final int BURST = 400;

    private static final Pattern PROMPT = Pattern.compile("round-(\\d+)-(short|stream)");

    /** One streamed answer: the round that asked for it, when it started, and when its client left (0: not yet). */
    static final class Streamed {
        final int round;
        final long startedNanos;
        volatile long leftNanos;
        volatile boolean ranOut;

        Streamed(int round, long startedNanos) {
            this.round = round;
            this.startedNanos = startedNanos;
        }

        @Override
        public String toString() {
            return "round " + round + (leftNanos != 0 ? ", left " + (leftNanos - startedNanos) / 1_000 + " µs in"
                    : ranOut ? ", ran out with nobody reading" : ", still streaming");
        }
    }

    private final ServerSocket socket;
    private final List<Streamed> streamed = new CopyOnWriteArrayList<>();
    private final Map<Integer, Streamed> byRound = new ConcurrentHashMap<>();
    private final ConcurrentHashMap.KeySetView<Socket, Boolean> connections = ConcurrentHashMap.newKeySet();
    private final Thread acceptor;

    private SlowOpenAIServer() throws IOException {
        this.socket = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
        this.acceptor = Thread.ofPlatform().daemon().name("slow-openai-accept").start(this::accept);
    }

    static SlowOpenAIServer start() throws IOException {
        return new SlowOpenAIServer();
    }

    String baseUrl() {
        return "http://127.0.0.1:" + socket.getLocalPort() + "/v1";
    }

    /** Returns every streamed answer so far, in the order they started. */
    List<Streamed> streamed() {
        return List.copyOf(streamed);
    }

    /** Returns the answer streamed for {@code round}, once its request has arrived. */
    Optional<Streamed> streamed(int round) {
        return Optional.ofNullable(byRound.get(round));
    }

    private void accept() {
        while (!socket.isClosed()) {
            Socket s;
            try {
                s = socket.accept();
            } catch (IOException e) {
                return; // closed
            }
            connections.add(s);
            Thread.ofVirtual().name("slow-openai-conn").start(() -> serve(s));
        }
    }

    private void serve(Socket s) {
        try (s) {
            s.setTcpNoDelay(true);
            InputStream in = new BufferedInputStream(s.getInputStream());
            OutputStream out = s.getOutputStream();
            while (true) {
                String body = readRequest(in);
                if (body == null) {
                    return; // the client closed an idle connection
                }
                Matcher m = PROMPT.matcher(body);
                if (!m.find()) {
                    out.write(("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    continue;
                }
                int round = Integer.parseInt(m.group(1));
                if (m.group(2).equals("short")) {
                    byte[] answer = (OpenAIStreams.chunk("{\"role\":\"assistant\",\"content\":\"\"}", "null")
                            + OpenAIStreams.token("ok " + round) + OpenAIStreams.chunk("{}", "\"stop\"")
                            + "data: [DONE]\n\n").getBytes(StandardCharsets.UTF_8);
                    out.write(("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nContent-Length: "
                            + answer.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                    out.write(answer);
                    out.flush();
                } else {
                    stream(round, out);
                    return;
                }
            }
        } catch (IOException e) {
            // the client went away between requests
        } finally {
            connections.remove(s);
        }
    }

    private void stream(int round, OutputStream out) {
        Streamed record = new Streamed(round, System.nanoTime());
        streamed.add(record);
        byRound.put(round, record);
        try {
            out.write(("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            writeChunk(out, OpenAIStreams.chunk("{\"role\":\"assistant\",\"content\":\"\"}", "null"));
            for (int i = 0; i < BURST; i++) {
                writeChunk(out, OpenAIStreams.token("b" + i + " "));
            }
            for (int i = 0; System.nanoTime() - record.startedNanos < STREAM_FOR; i++) {
                writeChunk(out, OpenAIStreams.token("t" + i + " "));
                TimeUnit.MILLISECONDS.sleep(1); // pacing of the fake model, not synchronisation
            }
            record.ranOut = true;
            writeChunk(out, OpenAIStreams.chunk("{}", "\"stop\"") + "data: [DONE]\n\n");
            out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
        } catch (IOException e) {
            record.leftNanos = System.nanoTime();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void writeChunk(OutputStream out, String data) throws IOException {
        byte[] b = data.getBytes(StandardCharsets.UTF_8);
        out.write((Integer.toHexString(b.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(b);
        out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    /** Reads one request and returns its body, or {@code null} when the connection ended before a request. */
    private static String readRequest(InputStream in) throws IOException {
        String line = readLine(in);
        if (line == null) {
            return null;
        }
        int length = 0;
        while (!(line = requireLine(in)).isEmpty()) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().toLowerCase(Locale.ROOT).equals("content-length")) {
                length = Integer.parseInt(line.substring(colon + 1).trim());
            }
        }
        return new String(in.readNBytes(length), StandardCharsets.UTF_8);
    }

    private static String requireLine(InputStream in) throws IOException {
        String line = readLine(in);
        if (line == null) {
            throw new IOException("request cut off");
        }
        return line;
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != '\n') {
            if (b < 0) {
                if (line.size() == 0) {
                    return null;
                }
                throw new IOException("request cut off");
            }
            if (b != '\r') {
                line.write(b);
            }
        }
        return line.toString(StandardCharsets.US_ASCII);
    }

    @Override
    public void close() throws IOException {
        socket.close();
        for (Socket s : connections) {
            s.close();
        }
        try {
            acceptor.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
