package io.synapsekit.sse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.synapsekit.stream.CloseableIterator;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Property tests of {@link SseParser} over arbitrary bytes and arbitrary chunkings, with a fixed seed per case so
 * a failure names the input that broke it: the parser agrees with a plain reference reading of the WHATWG
 * algorithm, throws nothing but {@link SseException}, reads only a bounded amount past its limit, and ends.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class SseParserPropertyTest {

    private static final int CASES = 2_000;

    /** Bytes that matter to the grammar, weighted well above their chance in uniform random bytes. */
    private static final byte[][] PIECES = {
        b("\n"), b("\r"), b("\r\n"), b(":"), b(" "), b("data"), b("data:"), b("data: "), b("event:"), b("id:"),
        b("retry:"), b("retry: 12"), b("id: \0"), b("x"), b("é"), b("\uD83D\uDE00"), {(byte) 0xEF, (byte) 0xBB,
        (byte) 0xBF}, {(byte) 0xFF}, {(byte) 0xC3}, {(byte) 0x80}, b("\n\n"), b("\0"), b("99999999999999999999999")
    };

    @Test
    void anyBytesInAnyChunksParseAsTheReferenceDoes() {
        for (int c = 0; c < CASES; c++) {
            Random random = new Random(c);
            byte[] input = randomInput(random, 1 + random.nextInt(300));
            Object expected = reference(input, 1 << 20);
            for (int chunking = 0; chunking < 3; chunking++) {
                Object actual = parse(new ChunkedInputStream(input, random.nextLong()), 1 << 20);
                assertThat(actual).as("case %d, chunking %d, input %s", c, chunking, show(input)).isEqualTo(expected);
            }
        }
    }

    @Test
    void aSmallLimitOnlyEverFailsWithSseExceptionAndNoEventExceedsIt() {
        for (int c = 0; c < CASES; c++) {
            Random random = new Random(10_000 + c);
            int max = 1 + random.nextInt(40);
            byte[] input = randomInput(random, 1 + random.nextInt(300));
            Object expected = reference(input, max);
            Object actual = parse(new ChunkedInputStream(input, random.nextLong()), max);
            assertThat(actual).as("case %d, max %d, input %s", c, max, show(input)).isEqualTo(expected);
            if (actual instanceof List<?> events) {
                for (Object e : events) {
                    assertThat(((SseEvent) e).data().length()).isLessThanOrEqualTo(max);
                }
            }
        }
    }

    @Test
    void anEndlessLineFailsAfterReadingLittleMoreThanTheLimit() {
        AtomicLong read = new AtomicLong();
        InputStream endless = endless("data: ".getBytes(StandardCharsets.UTF_8), "x".repeat(1000), read);
        try (CloseableIterator<SseEvent> events = SseParser.events(endless, 64 * 1024)) {
            assertThatThrownBy(events::hasNext).isInstanceOf(SseException.class).hasMessageContaining("line longer");
        }
        // the limit plus at most one read buffer (16 KiB) and one chunk of our source
        assertThat(read.get()).isLessThan(64 * 1024 + 16 * 1024 + 1024);
    }

    @Test
    void endlessDataLinesWithoutABlankLineFailInsteadOfGrowingForever() {
        AtomicLong read = new AtomicLong();
        InputStream endless = endless(new byte[0], "data: aaaaaaaaaaaaaaaa\n", read);
        try (CloseableIterator<SseEvent> events = SseParser.events(endless, 64 * 1024)) {
            assertThatThrownBy(events::hasNext).isInstanceOf(SseException.class).hasMessageContaining("event data");
        }
        assertThat(read.get()).isLessThan(64 * 1024 * 2 + 16 * 1024);
    }

    @Test
    void aHugeLineNeverDispatchesAPartOfIt() {
        byte[] wire = ("data: " + "y".repeat(5000) + "\n\ndata: after\n\n").getBytes(StandardCharsets.UTF_8);
        assertThat(parse(new ChunkedInputStream(wire, 1), 4096)).isEqualTo("SseException");
        assertThat(parse(new ChunkedInputStream(wire, 1), 8192)).isEqualTo(List.of(
                SseEvent.message("y".repeat(5000)), SseEvent.message("after")));
    }

    @Test
    void aByteOrderMarkIsSkippedOnlyAtTheStartHoweverItIsSplit() {
        byte[] bom = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
        List<byte[]> starts = List.of(bom, new byte[] {(byte) 0xEF, (byte) 0xBB}, new byte[] {(byte) 0xEF},
                new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBE}, new byte[] {(byte) 0xEE, (byte) 0xBB, (byte) 0xBF},
                concat(bom, bom), new byte[0]);
        for (byte[] start : starts) {
            for (String rest : List.of("data: x\n\n", "", "d", "\n", "data:\uFEFF\n\n")) {
                byte[] input = concat(start, rest.getBytes(StandardCharsets.UTF_8));
                Object expected = reference(input, 1 << 20);
                // every split of the first bytes into reads of 1, 2 or 3 bytes
                for (int first = 1; first <= 4; first++) {
                    for (int second = 1; second <= 3; second++) {
                        Object actual = parse(new FixedChunks(input, first, second), 1 << 20);
                        assertThat(actual).as("%s split %d+%d", show(input), first, second).isEqualTo(expected);
                    }
                }
            }
        }
    }

    @Test
    void everyWayOutClosesTheInput() {
        class Tracked extends java.io.ByteArrayInputStream {
            boolean closed;

            Tracked(String s) {
                super(s.getBytes(StandardCharsets.UTF_8));
            }

            @Override
            public void close() {
                closed = true;
            }
        }
        Tracked ended = new Tracked("data: a\n\n");
        try (CloseableIterator<SseEvent> it = SseParser.events(ended)) {
            assertThat(it.next().data()).isEqualTo("a");
            assertThat(ended.closed).as("not before the end").isFalse();
            assertThat(it.hasNext()).isFalse();
            assertThat(ended.closed).as("at the end").isTrue();
        }
        Tracked tooLong = new Tracked("data: " + "x".repeat(100) + "\n\n");
        CloseableIterator<SseEvent> failing = SseParser.events(tooLong, 10);
        assertThatThrownBy(failing::hasNext).isInstanceOf(SseException.class);
        assertThat(tooLong.closed).as("on failure").isTrue();
        assertThat(failing.hasNext()).as("ended after the failure").isFalse();
        Tracked closedEarly = new Tracked("data: a\n\ndata: b\n\n");
        CloseableIterator<SseEvent> early = SseParser.events(closedEarly);
        early.close();
        assertThat(closedEarly.closed).isTrue();
        assertThat(early.hasNext()).isFalse();
        assertThatThrownBy(early::next).isInstanceOf(java.util.NoSuchElementException.class);
        assertThatThrownBy(() -> SseParser.events(closedEarly, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aReadFailureIsUncheckedUnlessTheCallerClosedTheStream() {
        InputStream broken = new InputStream() {
            @Override
            public int read() throws java.io.IOException {
                throw new java.io.IOException("reset");
            }
        };
        CloseableIterator<SseEvent> it = SseParser.events(broken);
        assertThatThrownBy(it::hasNext).isInstanceOf(java.io.UncheckedIOException.class).hasMessageContaining("reset");
        assertThat(it.hasNext()).isFalse();
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    /** Hands out {@code first} bytes, then {@code second}, then the rest one read at a time. */
    static final class FixedChunks extends InputStream {
        private final byte[] bytes;
        private final int[] sizes;
        private int pos;
        private int reads;

        FixedChunks(byte[] bytes, int first, int second) {
            this.bytes = bytes;
            this.sizes = new int[] {first, second};
        }

        @Override
        public int read() {
            return pos < bytes.length ? bytes[pos++] & 0xff : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (pos >= bytes.length) {
                return -1;
            }
            int size = reads < sizes.length ? sizes[reads] : Integer.MAX_VALUE;
            reads++;
            int n = Math.min(Math.min(len, size), bytes.length - pos);
            System.arraycopy(bytes, pos, b, off, n);
            pos += n;
            return n;
        }
    }

    // --- the reference: the standard's algorithm, written as plainly as possible over the whole input ---

    /** Returns the events, or "SseException" when a line or an event's data breaks {@code max}. */
    static Object reference(byte[] input, int max) {
        int start = 0;
        if (input.length >= 3 && input[0] == (byte) 0xEF && input[1] == (byte) 0xBB && input[2] == (byte) 0xBF) {
            start = 3;
        }
        List<SseEvent> events = new ArrayList<>();
        StringBuilder data = new StringBuilder();
        boolean hasData = false;
        String type = "";
        String id = "";
        Duration retry = null;
        int lineStart = start;
        for (int i = start; i < input.length; i++) {
            if (input[i] != '\n' && input[i] != '\r') {
                if (i - lineStart + 1 > max) {
                    return "SseException";
                }
                continue;
            }
            String line = new String(input, lineStart, i - lineStart, StandardCharsets.UTF_8);
            if (input[i] == '\r' && i + 1 < input.length && input[i + 1] == '\n') {
                i++;
            }
            lineStart = i + 1;
            if (line.isEmpty()) {
                if (hasData) {
                    String d = data.substring(0, data.length() - 1);
                    events.add(new SseEvent(type.isEmpty() ? "message" : type, d, id, retry));
                }
                data.setLength(0);
                hasData = false;
                type = "";
                retry = null;
                continue;
            }
            if (line.startsWith(":")) {
                continue;
            }
            int colon = line.indexOf(':');
            String field = colon < 0 ? line : line.substring(0, colon);
            String value = colon < 0 ? "" : line.substring(colon + 1);
            if (value.startsWith(" ")) {
                value = value.substring(1);
            }
            switch (field) {
                case "data" -> {
                    if (data.length() + value.length() + 1 > max) {
                        return "SseException";
                    }
                    data.append(value).append('\n');
                    hasData = true;
                }
                case "event" -> type = value;
                case "id" -> id = value.contains("\0") ? id : value;
                case "retry" -> {
                    if (value.matches("[0-9]+")) {
                        try {
                            retry = Duration.ofMillis(Long.parseLong(value));
                        } catch (NumberFormatException beyondLong) {
                            // ignored, like any other bad value
                        }
                    }
                }
                default -> { }
            }
        }
        return events;
    }

    /** Returns the parser's events, or "SseException"; any other exception fails the test. */
    static Object parse(InputStream in, int max) {
        List<SseEvent> events = new ArrayList<>();
        try (CloseableIterator<SseEvent> it = SseParser.events(in, max)) {
            it.forEachRemaining(events::add);
        } catch (SseException e) {
            return "SseException";
        }
        return events;
    }

    static byte[] randomInput(Random random, int pieces) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < pieces; i++) {
            if (random.nextInt(4) == 0) {
                out.write(random.nextInt(256));
            } else {
                out.writeBytes(PIECES[random.nextInt(PIECES.length)]);
            }
        }
        return out.toByteArray();
    }

    /** An input stream handing out {@code bytes} in random chunks of 1 to 17 bytes, never a zero-byte read. */
    static final class ChunkedInputStream extends InputStream {
        private final byte[] bytes;
        private final Random random;
        private int pos;

        ChunkedInputStream(byte[] bytes, long seed) {
            this.bytes = bytes;
            this.random = new Random(seed);
        }

        @Override
        public int read() {
            return pos < bytes.length ? bytes[pos++] & 0xff : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (len == 0) {
                return 0;
            }
            if (pos >= bytes.length) {
                return -1;
            }
            int n = Math.min(Math.min(len, 1 + random.nextInt(17)), bytes.length - pos);
            System.arraycopy(bytes, pos, b, off, n);
            pos += n;
            return n;
        }
    }

    /** An input stream that sends {@code head} once, then {@code repeated} forever, counting bytes into {@code read}. */
    static InputStream endless(byte[] head, String repeated, AtomicLong read) {
        byte[] unit = repeated.getBytes(StandardCharsets.UTF_8);
        return new InputStream() {
            private long pos;

            @Override
            public int read() {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                int n = 0;
                while (n < len && n < 1024) {
                    b[off + n++] = pos < head.length ? head[(int) pos] : unit[(int) ((pos - head.length) % unit.length)];
                    pos++;
                }
                read.addAndGet(n);
                return n;
            }
        };
    }

    static String show(byte[] input) {
        StringBuilder s = new StringBuilder();
        for (byte x : input) {
            s.append(x >= 0x20 && x < 0x7f ? String.valueOf((char) x) : String.format("\\x%02x", x & 0xff));
        }
        return s.toString();
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
