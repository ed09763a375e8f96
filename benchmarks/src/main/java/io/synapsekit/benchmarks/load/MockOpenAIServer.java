package io.synapsekit.benchmarks.load;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Iterator;

/**
 * A loopback OpenAI Chat Completions server for load tests: one NIO selector thread, non-blocking sockets,
 * HTTP/1.1 keep-alive, chunked transfer encoding, and pre-rendered SSE chunks.
 *
 * <p>Each request's path says what to stream: {@code /t/<tokens>/p/<paceMillis>/v1/chat/completions}; clients get
 * it by using {@code http://127.0.0.1:<port>/t/<tokens>/p/<pace>/v1} as their base URL. With pace 0 the tokens are
 * written as fast as the socket takes them, in 64 KiB writes; with a pace, token {@code i} is due {@code i * pace}
 * ms after the request arrived and the finish chunk plus {@code [DONE]} at {@code tokens * pace}, driven by a timer
 * wheel of 1 ms slots, so 10,000 paced streams cost one wheel tick per millisecond, not one timer each. The
 * request body is read and discarded. Nothing is allocated per token.
 *
 * <p>Run as its own JVM ({@code java -cp benchmarks.jar io.synapsekit.benchmarks.load.MockOpenAIServer}); it prints
 * {@code PORT <n>} once listening and stops when its standard input closes.
 */
public final class MockOpenAIServer {

    private static final String PREFIX = "{\"id\":\"chatcmpl-bench0000000000000000000000\",\"object\":\"chat.completion.chunk\","
            + "\"created\":1732400000,\"model\":\"gpt-4o-mini-2024-07-18\",\"system_fingerprint\":\"fp_0ba0d124f1\","
            + "\"choices\":[{\"index\":0,\"delta\":";
    private static final String[] WORDS = {" The", " sky", " looks", " blue", " because", " air", " molecules",
        " scatter", " short", " wavelengths", " of", " sunlight", " more", " than", " long", " ones"};
    private static final byte[] HEAD = ("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream; charset=utf-8\r\n"
            + "Cache-Control: no-cache\r\nTransfer-Encoding: chunked\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
    private static final byte[] ROLE = chunk(event(PREFIX + "{\"role\":\"assistant\",\"content\":\"\",\"refusal\":null},"
            + "\"logprobs\":null,\"finish_reason\":null}]}"));
    private static final byte[] END = concat(
            chunk(event(PREFIX + "{},\"logprobs\":null,\"finish_reason\":\"stop\"}]}")),
            chunk("data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8)),
            "0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
    /** One HTTP chunk per SSE event, as a server that flushes per token sends it. */
    private static final byte[][] TOKEN = new byte[WORDS.length][];
    /** {@code BLOCK_TOKENS} consecutive token chunks, cycling through the words, for unpaced streams. */
    private static final int BLOCK_TOKENS = 512;
    private static final byte[] BLOCK;
    private static final int[] BLOCK_OFFSET = new int[BLOCK_TOKENS + 1];

    static {
        for (int i = 0; i < WORDS.length; i++) {
            TOKEN[i] = chunk(event(PREFIX + "{\"content\":\"" + WORDS[i] + "\"},\"logprobs\":null,\"finish_reason\":null}]}"));
        }
        int size = 0;
        for (int i = 0; i < BLOCK_TOKENS; i++) {
            BLOCK_OFFSET[i] = size;
            size += TOKEN[i % WORDS.length].length;
        }
        BLOCK_OFFSET[BLOCK_TOKENS] = size;
        BLOCK = new byte[size];
        for (int i = 0; i < BLOCK_TOKENS; i++) {
            System.arraycopy(TOKEN[i % WORDS.length], 0, BLOCK, BLOCK_OFFSET[i], TOKEN[i % WORDS.length].length);
        }
    }

    private static final int SLOTS = 8192; // 8.192 s of 1 ms slots; paces beyond that wrap and wait a turn

    private final Selector selector;
    private final ServerSocketChannel server;
    @SuppressWarnings("unchecked")
    private final ArrayDeque<Conn>[] wheel = new ArrayDeque[SLOTS];
    private final long startNanos = System.nanoTime();
    private long tick; // the last wheel slot processed, in ms since start
    private final ByteBuffer out = ByteBuffer.allocateDirect(256 * 1024);

    private MockOpenAIServer(int port) throws IOException {
        for (int i = 0; i < SLOTS; i++) {
            wheel[i] = new ArrayDeque<>();
        }
        selector = Selector.open();
        server = ServerSocketChannel.open();
        server.bind(new InetSocketAddress("127.0.0.1", port), 16384);
        server.configureBlocking(false);
        server.register(selector, SelectionKey.OP_ACCEPT);
    }

    public static void main(String[] args) throws Exception {
        MockOpenAIServer s = new MockOpenAIServer(args.length > 0 ? Integer.parseInt(args[0]) : 0);
        Thread watcher = new Thread(() -> {
            try {
                while (System.in.read() >= 0) {
                    // the parent's pipe; EOF means it is gone
                }
            } catch (IOException ignored) {
                // gone as well
            }
            System.exit(0);
        }, "stdin-watcher");
        watcher.setDaemon(true);
        watcher.start();
        System.out.println("PORT " + ((InetSocketAddress) s.server.getLocalAddress()).getPort());
        System.out.flush();
        s.run();
    }

    private long nowMillis() {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }

    private void run() throws IOException {
        while (true) {
            long now = nowMillis();
            long wait = nextTimerDelay(now);
            if (wait == 0) {
                selector.selectNow();
            } else {
                selector.select(wait);
            }
            Iterator<SelectionKey> keys = selector.selectedKeys().iterator();
            while (keys.hasNext()) {
                SelectionKey k = keys.next();
                keys.remove();
                if (!k.isValid()) {
                    continue;
                }
                try {
                    if (k.isAcceptable()) {
                        accept();
                        continue;
                    }
                    Conn c = (Conn) k.attachment();
                    if (k.isReadable()) {
                        c.read();
                    }
                    if (k.isValid() && k.isWritable()) {
                        c.flush();
                    }
                } catch (IOException | RuntimeException e) {
                    ((Conn) k.attachment()).close();
                }
            }
            runTimers(nowMillis());
        }
    }

    private long nextTimerDelay(long now) {
        if (pacedCount == 0) {
            tick = now; // nothing is due: the wheel need not replay idle time
            return 1000;
        }
        return tick < now ? 0 : 1;
    }

    private void runTimers(long now) {
        while (tick < now) {
            tick++;
            ArrayDeque<Conn> slot = wheel[(int) (tick % SLOTS)];
            int n = slot.size();
            for (int i = 0; i < n; i++) {
                Conn c = slot.poll();
                if (c.dueMillis > tick) {
                    slot.add(c); // a later turn of the wheel
                    continue;
                }
                try {
                    c.paceStep();
                } catch (IOException | RuntimeException e) {
                    c.close();
                }
            }
        }
    }

    private int pacedCount;

    private void schedule(Conn c, long dueMillis) {
        c.dueMillis = dueMillis;
        long slot = Math.max(dueMillis, tick + 1);
        wheel[(int) (slot % SLOTS)].add(c);
    }

    private void accept() throws IOException {
        SocketChannel ch;
        while ((ch = server.accept()) != null) {
            ch.configureBlocking(false);
            ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
            Conn c = new Conn(ch);
            c.key = ch.register(selector, SelectionKey.OP_READ, c);
        }
    }

    private final class Conn {
        final SocketChannel ch;
        SelectionKey key;
        ByteBuffer in = ByteBuffer.allocate(2048);
        int bodyRemaining = -1; // -1: reading headers
        boolean streaming;
        int tokens;
        int pace;
        int sent; // tokens sent
        long startMillis;
        long dueMillis;
        boolean endQueued;
        ByteBuffer pending; // bytes the socket has not taken yet
        boolean closed;

        Conn(SocketChannel ch) {
            this.ch = ch;
        }

        void read() throws IOException {
            if (!in.hasRemaining()) {
                ByteBuffer bigger = ByteBuffer.allocate(in.capacity() * 2);
                in.flip();
                bigger.put(in);
                in = bigger;
            }
            int n = ch.read(in);
            if (n < 0) {
                close();
                return;
            }
            parse();
        }

        /** Consumes complete requests from {@code in}; starts the response to each one. */
        private void parse() throws IOException {
            while (!streaming) {
                if (bodyRemaining < 0) {
                    int end = headerEnd();
                    if (end < 0) {
                        return;
                    }
                    String head = new String(in.array(), 0, end, StandardCharsets.ISO_8859_1);
                    shift(end + 4);
                    start(head);
                }
                int take = Math.min(bodyRemaining, in.position());
                shift(take);
                bodyRemaining -= take;
                if (bodyRemaining > 0) {
                    return;
                }
                bodyRemaining = -1;
                begin();
            }
        }

        private int headerEnd() {
            byte[] a = in.array();
            for (int i = 3; i < in.position(); i++) {
                if (a[i] == '\n' && a[i - 1] == '\r' && a[i - 2] == '\n' && a[i - 3] == '\r') {
                    return i - 3;
                }
            }
            return -1;
        }

        private void shift(int n) {
            in.flip();
            in.position(n);
            in.compact();
        }

        private void start(String head) {
            int sp = head.indexOf(' ');
            String path = head.substring(sp + 1, head.indexOf(' ', sp + 1));
            tokens = 20;
            pace = 0;
            String[] parts = path.split("/");
            for (int i = 0; i + 1 < parts.length; i++) {
                if (parts[i].equals("t")) {
                    tokens = Integer.parseInt(parts[i + 1]);
                } else if (parts[i].equals("p")) {
                    pace = Integer.parseInt(parts[i + 1]);
                }
            }
            int length = 0;
            for (String line : head.split("\r\n")) {
                int colon = line.indexOf(':');
                if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase("content-length")) {
                    length = Integer.parseInt(line.substring(colon + 1).trim());
                }
            }
            bodyRemaining = length;
        }

        /** The request is complete: send the headers and the role chunk, then the tokens. */
        private void begin() throws IOException {
            streaming = true;
            sent = 0;
            endQueued = false;
            startMillis = nowMillis();
            out.clear();
            out.put(HEAD).put(ROLE);
            if (pace == 0) {
                fillUnpaced();
                if (write()) {
                    afterWrite();
                }
            } else {
                out.put(TOKEN[0]);
                sent = 1;
                pacedCount++;
                schedule(this, startMillis + (long) pace);
                write();
            }
        }

        /** Appends as many token chunks as fit, then the end once all tokens are in. */
        private void fillUnpaced() {
            while (sent < tokens && out.remaining() > 0) {
                int from = sent % BLOCK_TOKENS;
                int room = out.remaining();
                int count = Math.min(tokens - sent, BLOCK_TOKENS - from);
                // how many whole token chunks fit
                int bytes = BLOCK_OFFSET[from + count] - BLOCK_OFFSET[from];
                if (bytes > room) {
                    int lo = from;
                    int hi = from + count;
                    while (lo < hi) { // largest k with BLOCK_OFFSET[k] - BLOCK_OFFSET[from] <= room
                        int mid = (lo + hi + 1) >>> 1;
                        if (BLOCK_OFFSET[mid] - BLOCK_OFFSET[from] <= room) {
                            lo = mid;
                        } else {
                            hi = mid - 1;
                        }
                    }
                    count = lo - from;
                    if (count == 0) {
                        return;
                    }
                    bytes = BLOCK_OFFSET[from + count] - BLOCK_OFFSET[from];
                }
                out.put(BLOCK, BLOCK_OFFSET[from], bytes);
                sent += count;
            }
            if (sent == tokens && !endQueued && out.remaining() >= END.length) {
                out.put(END);
                endQueued = true;
            }
        }

        /** One paced step: the next token, or the end. */
        void paceStep() throws IOException {
            if (closed) {
                return;
            }
            out.clear();
            if (sent < tokens) {
                out.put(TOKEN[sent % WORDS.length]);
                sent++;
                schedule(this, startMillis + (long) sent * pace);
                write();
            } else {
                out.put(END);
                endQueued = true;
                pacedCount--;
                if (write()) {
                    afterWrite();
                }
            }
        }

        /**
         * Writes {@code out} after anything pending; keeps what the socket refused and asks for OP_WRITE. Returns
         * whether everything left.
         */
        private boolean write() throws IOException {
            out.flip();
            if (pending != null) {
                ByteBuffer merged = ByteBuffer.allocate(pending.remaining() + out.remaining());
                merged.put(pending).put(out).flip();
                pending = merged;
                return drain();
            }
            ch.write(out);
            if (out.hasRemaining()) {
                pending = ByteBuffer.allocate(out.remaining());
                pending.put(out).flip();
                key.interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
                return false;
            }
            return true;
        }

        private boolean drain() throws IOException {
            ch.write(pending);
            if (pending.hasRemaining()) {
                key.interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
                return false;
            }
            pending = null;
            key.interestOps(SelectionKey.OP_READ);
            return true;
        }

        /** The socket can take more: write what waits, then continue an unpaced stream or finish. */
        void flush() throws IOException {
            if (pending != null && !drain()) {
                return;
            }
            afterWrite();
        }

        /** Everything written so far left: continue an unpaced stream, or finish the response. */
        private void afterWrite() throws IOException {
            while (streaming) {
                if (endQueued) {
                    streaming = false;
                    parse(); // a pipelined next request, if any
                    return;
                }
                if (pace != 0) {
                    return;
                }
                out.clear();
                fillUnpaced();
                if (!write()) {
                    return;
                }
            }
        }

        void close() {
            if (!closed) {
                closed = true;
                if (streaming && pace > 0 && !endQueued) {
                    pacedCount--;
                }
                key.cancel();
                try {
                    ch.close();
                } catch (IOException ignored) {
                    // closing
                }
            }
        }
    }

    /** The SSE body of a {@code tokens}-token answer as this server streams it, without the HTTP chunk framing. */
    public static byte[] sseBody(int tokens) {
        java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
        b.writeBytes(event(PREFIX + "{\"role\":\"assistant\",\"content\":\"\",\"refusal\":null},"
                + "\"logprobs\":null,\"finish_reason\":null}]}"));
        for (int i = 0; i < tokens; i++) {
            b.writeBytes(event(PREFIX + "{\"content\":\"" + WORDS[i % WORDS.length]
                    + "\"},\"logprobs\":null,\"finish_reason\":null}]}"));
        }
        b.writeBytes(event(PREFIX + "{},\"logprobs\":null,\"finish_reason\":\"stop\"}]}"));
        b.writeBytes("data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8));
        return b.toByteArray();
    }

    private static byte[] event(String json) {
        return ("data: " + json + "\n\n").getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] chunk(byte[] payload) {
        return concat((Integer.toHexString(payload.length) + "\r\n").getBytes(StandardCharsets.US_ASCII), payload,
                "\r\n".getBytes(StandardCharsets.US_ASCII));
    }

    private static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        byte[] r = new byte[n];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, r, at, p.length);
            at += p.length;
        }
        return r;
    }
}
