package io.synapsekit.benchmarks.relay;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * The relay's SSE readers: {@code count} plain sockets at once, one virtual thread each, each asking the relay
 * server one question over HTTP/1.1 (chunked response) and time-stamping every token line as it completes. A token
 * line is a {@code data:} line other than {@code [DONE]}; for the floor, which passes the upstream's OpenAI chunks
 * through, one carrying a content delta; for the UI stream, a {@code text-delta}; for AG-UI, a
 * {@code TEXT_MESSAGE_CONTENT}. The end is {@code [DONE]}, for AG-UI {@code RUN_FINISHED}; a resumable stream
 * ({@code redis}, {@code redisread}, {@code memory}) must start with its {@code retry:} and id-only block. Token {@code i} (from 0) is due
 * {@code (i + 1) × pace} after the request was sent (the mock server's schedule counted from its receipt), so its
 * lateness is its arrival minus that. That includes the stream's set-up (connection, request, the upstream
 * request), once per stream; a token's lateness relative to its stream's least late token ({@code relative}) leaves
 * it out and is the per-token delay of the relay itself plus the readers' own. A stream that does not bring
 * exactly {@code tokens} tokens and its end, with nothing after the end, is a failure.
 */
final class RelayReaders {

    /**
     * One burst's lateness of every token (ns, sorted), each stream's first token's, every token's lateness above its
     * stream's least late token, the same for the steady part of each stream ({@code steady}: its tokens from the
     * third on, above the least late of those, so that the stream's set-up, which its first tokens wait for, is left
     * out), and the failures.
     */
    record Burst(long[] late, long[] first, long[] relative, long[] steady, int failures, String failure,
            long wallNanos) {
    }

    /** How many streams have had their first token and not yet ended, across bursts. */
    static final AtomicInteger OPEN = new AtomicInteger();
    /** The first token of a stream's steady part: the first two may still wait for its set-up. */
    static final int STEADY_FROM = 2;

    private RelayReaders() {
    }

    static Burst read(int port, String variant, int count, int tokens, int pace, int timeoutMs)
            throws InterruptedException {
        return read(port, variant, count, tokens, pace, timeoutMs, 0);
    }

    /**
     * As {@link #read(int, String, int, int, int, int)}, with the readers' requests spread evenly over
     * {@code spreadNanos} (reader {@code s} of {@code count} starts {@code s × spreadNanos / count} after the first)
     * instead of all at once: with a spread of one pace, the streams' ticks fall evenly over time, as independent
     * clients' do, rather than all together.
     */
    static Burst read(int port, String variant, int count, int tokens, int pace, int timeoutMs, long spreadNanos)
            throws InterruptedException {
        long[][] lateness = new long[count][];
        AtomicInteger failures = new AtomicInteger();
        AtomicReference<String> firstFailure = new AtomicReference<>();
        long t0 = System.nanoTime();
        try (ExecutorService readers = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < count; i++) {
                int s = i;
                long startAt = t0 + (long) ((double) spreadNanos * s / count);
                readers.execute(() -> {
                    try {
                        for (long wait; (wait = startAt - System.nanoTime()) > 0; ) {
                            LockSupport.parkNanos(wait); // pacing arrivals, not synchronisation
                        }
                        long[] l = readOne(port, variant, tokens, pace, timeoutMs, s);
                        if (l.length != tokens) {
                            throw new IOException(l.length + " tokens of " + tokens);
                        }
                        lateness[s] = l;
                    } catch (IOException | RuntimeException e) {
                        failures.incrementAndGet();
                        firstFailure.compareAndSet(null, e.toString());
                    }
                });
            }
        }
        long wall = System.nanoTime() - t0;
        int n = 0;
        for (long[] l : lateness) {
            n += l == null ? 0 : l.length;
        }
        long[] late = new long[n];
        long[] first = new long[count];
        long[] relative = new long[n];
        long[] steady = new long[n];
        int sd = 0;
        int k = 0;
        int f = 0;
        int r = 0;
        for (long[] l : lateness) {
            if (l == null || l.length == 0) {
                continue;
            }
            first[f++] = l[0];
            long fastest = Long.MAX_VALUE;
            for (long v : l) {
                fastest = Math.min(fastest, v);
            }
            for (long v : l) {
                late[k++] = v;
                relative[r++] = v - fastest;
            }
            long steadiest = Long.MAX_VALUE;
            for (int i = STEADY_FROM; i < l.length; i++) {
                steadiest = Math.min(steadiest, l[i]);
            }
            for (int i = STEADY_FROM; i < l.length; i++) {
                steady[sd++] = l[i] - steadiest;
            }
        }
        Arrays.sort(steady, 0, sd);
        Arrays.sort(late);
        Arrays.sort(relative, 0, r);
        first = Arrays.copyOf(first, f);
        Arrays.sort(first);
        return new Burst(late, first, Arrays.copyOf(relative, r), Arrays.copyOf(steady, sd), failures.get(),
                firstFailure.get(), wall);
    }

    static double percentileMs(long[] sorted, double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)] / 1e6;
    }

    private static long[] readOne(int port, String variant, int tokens, int pace, int timeoutMs, int id)
            throws IOException {
        long[] late = new long[tokens + 1];
        int n = 0;
        String query = tokens + "/" + pace;
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), timeoutMs);
            socket.setSoTimeout(timeoutMs);
            String head = request(variant, query, id);
            long sent = System.nanoTime();
            socket.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
            InputStream in = new BufferedInputStream(socket.getInputStream(), 4096);
            byte[] line = new byte[8192];
            int len = readLine(in, line);
            String status = len < 0 ? "nothing" : new String(line, 0, len, StandardCharsets.US_ASCII);
            if (!status.startsWith("HTTP/1.1 200")) {
                throw new IOException("status " + status);
            }
            boolean chunked = false;
            while ((len = readLine(in, line)) > 0) {
                String h = new String(line, 0, len, StandardCharsets.US_ASCII).toLowerCase(Locale.ROOT);
                chunked |= h.startsWith("transfer-encoding:") && h.contains("chunked");
            }
            InputStream body = chunked ? new Dechunked(in) : in;
            if (RESUMABLE.contains(variant)) {
                expectResumableStart(body, line, !variant.equals("redisread"));
            }
            boolean done = false;
            boolean error = false;
            try {
                while ((len = readLine(body, line)) >= 0) {
                    if (startsWith(line, len, "event: error")) {
                        error = true;
                        continue;
                    }
                    if (len < 6 || line[0] != 'd' || line[4] != ':') {
                        continue;
                    }
                    long now = System.nanoTime();
                    if (error) {
                        throw new IOException("error event after " + n + " tokens: " + text(line, len));
                    }
                    if (done) {
                        throw new IOException("data after the end: " + text(line, len));
                    }
                    if (isEnd(variant, line, len)) {
                        done = true;
                        continue;
                    }
                    if (variant.equals("agui") && contains(line, len, RUN_ERROR)) {
                        throw new IOException("RUN_ERROR after " + n + " tokens: " + text(line, len));
                    }
                    if (isToken(variant, line, len)) {
                        if (n == late.length) {
                            throw new IOException("more than " + tokens + " tokens");
                        }
                        if (n == 0) {
                            OPEN.incrementAndGet();
                        }
                        late[n] = now - sent - (long) (n + 1) * pace * 1_000_000L;
                        n++;
                    }
                }
            } finally {
                if (n > 0) {
                    OPEN.decrementAndGet();
                }
            }
            if (!done) {
                throw new IOException("no " + (variant.equals("agui") ? "RUN_FINISHED" : "[DONE]") + " after " + n
                        + " tokens");
            }
        }
        return Arrays.copyOf(late, n);
    }

    /** The HTTP request of one reader of {@code variant}, asking {@code query}. */
    private static String request(String variant, String query, int id) {
        return switch (variant) {
            case "ui" -> post("/api/chat", "{\"id\":\"c" + id + "\",\"trigger\":\"submit-message\",\"messages\":[{\"id\":\"u"
                    + id + "\",\"role\":\"user\",\"parts\":[{\"type\":\"text\",\"text\":\"" + query + "\"}]}]}");
            case "agui" -> post("/api/agui", "{\"threadId\":\"t" + id + "\",\"runId\":\"r" + id + "\",\"messages\":[{\"id\":\"m"
                    + id + "\",\"role\":\"user\",\"content\":\"" + query + "\"}],\"tools\":[],\"context\":[],\"state\":{},"
                    + "\"forwardedProps\":{}}");
            default -> "GET /stream?query=" + query + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n"
                    + "Connection: close\r\n\r\n";
        };
    }

    private static String post(String path, String json) {
        return "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n"
                + "Content-Type: application/json\r\nContent-Length: " + json.length()
                + "\r\nConnection: close\r\n\r\n" + json;
    }

    /**
     * A resumable response's start: {@code retry: <ms>}, then, for a new stream ({@code withId}), in the same block,
     * its first id ({@code id: <stream>-0}), which sets the client's last event id before the first token; a resumed
     * stream's block ends after the retry.
     */
    private static void expectResumableStart(InputStream body, byte[] line, boolean withId) throws IOException {
        int len = readLine(body, line);
        if (len < 0 || !startsWith(line, len, "retry: ")) {
            throw new IOException("a resumable stream must start with retry:, not " + text(line, len));
        }
        if (!withId) {
            len = readLine(body, line);
            if (len != 0) {
                throw new IOException("a resumed stream's first block must hold its retry only, not "
                        + text(line, len));
            }
            return;
        }
        len = readLine(body, line);
        if (len < 0 || !startsWith(line, len, "id: ") || !endsWith(line, len, "-0")) {
            throw new IOException("a resumable stream's first block must hold its first id, not " + text(line, len));
        }
        len = readLine(body, line);
        if (len != 0) {
            throw new IOException("the first block must hold retry and id only, not " + text(line, len));
        }
    }

    private static final Set<String> RESUMABLE = Set.of("redis", "redisread", "memory");
    private static final byte[] CONTENT = "\"delta\":{\"content\":\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] TEXT_DELTA = "\"type\":\"text-delta\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] AGUI_CONTENT = "{\"type\":\"TEXT_MESSAGE_CONTENT\""
            .getBytes(StandardCharsets.US_ASCII);
    private static final byte[] RUN_FINISHED = "{\"type\":\"RUN_FINISHED\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] RUN_ERROR = "{\"type\":\"RUN_ERROR\"".getBytes(StandardCharsets.US_ASCII);

    /** Whether a {@code data:} line is the stream's end: {@code RUN_FINISHED} for AG-UI, else {@code [DONE]}. */
    private static boolean isEnd(String variant, byte[] line, int len) {
        return variant.equals("agui") ? contains(line, len, RUN_FINISHED) : startsWith(line, len, "data: [DONE]");
    }

    private static boolean isToken(String variant, byte[] line, int len) {
        return switch (variant) {
            case "floor" -> contains(line, len, CONTENT);
            case "ui" -> contains(line, len, TEXT_DELTA);
            case "agui" -> contains(line, len, AGUI_CONTENT);
            default -> true;
        };
    }

    private static String text(byte[] line, int len) {
        return len < 0 ? "the end of the stream" : new String(line, 0, Math.min(len, 200), StandardCharsets.UTF_8);
    }

    private static boolean endsWith(byte[] line, int len, String suffix) {
        if (len < suffix.length()) {
            return false;
        }
        for (int i = 0; i < suffix.length(); i++) {
            if (line[len - suffix.length() + i] != suffix.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private static boolean contains(byte[] line, int len, byte[] what) {
        outer:
        for (int i = 0; i + what.length <= len; i++) {
            for (int j = 0; j < what.length; j++) {
                if (line[i + j] != what[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    private static boolean startsWith(byte[] line, int len, String prefix) {
        if (len < prefix.length()) {
            return false;
        }
        for (int i = 0; i < prefix.length(); i++) {
            if (line[i] != prefix.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** Reads one line into {@code into} without its end; its length, or -1 at the end of the stream. */
    static int readLine(InputStream in, byte[] into) throws IOException {
        int n = 0;
        int c;
        while ((c = in.read()) != -1 && c != '\n') {
            if (n < into.length) {
                into[n++] = (byte) c;
            }
        }
        if (c == -1 && n == 0) {
            return -1;
        }
        return n > 0 && into[n - 1] == '\r' ? n - 1 : n;
    }

    /** HTTP/1.1 chunked transfer decoding; ends at the last (empty) chunk. */
    private static final class Dechunked extends InputStream {
        private final InputStream in;
        private final byte[] size = new byte[64];
        private int left;
        private boolean done;

        Dechunked(InputStream in) {
            this.in = in;
        }

        @Override
        public int read() throws IOException {
            if (done) {
                return -1;
            }
            if (left == 0) {
                int len = readLine(in, size);
                if (len == 0) {
                    len = readLine(in, size); // the CRLF after the previous chunk's data
                }
                if (len < 0) {
                    throw new IOException("the stream was cut inside the chunked body");
                }
                int v = 0;
                for (int i = 0; i < len && size[i] != ';'; i++) {
                    v = v * 16 + Character.digit(size[i], 16);
                }
                left = v;
                if (left == 0) {
                    done = true;
                    return -1;
                }
            }
            left--;
            return in.read();
        }
    }
}
