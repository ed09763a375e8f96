package io.synapsekit.sse;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.synapsekit.stream.CloseableIterator;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The WHATWG "Interpreting an event stream" rules, one table row each, run with every line ending and with the
 * bytes split at every point.
 */
class SseParserSpecTest {

    /**
     * One row: the wire text, the events it dispatches, and the stream's state once it has ended: the last event
     * ID string and the reconnection time a reconnecting client would use.
     */
    record Case(String name, String wire, List<SseEvent> expected, String lastEventId, Duration reconnectionTime) {
        Case(String name, String wire, List<SseEvent> expected) {
            this(name, wire, expected, "", null);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    /** What a parse gave: the events, then the stream's state at its end. */
    record Parsed(List<SseEvent> events, String lastEventId, Duration reconnectionTime) {
    }

    static SseEvent msg(String data) {
        return SseEvent.message(data);
    }

    static final List<Case> CASES = List.of(
            new Case("one event", "data: hello\n\n", List.of(msg("hello"))),
            new Case("two events", "data: a\n\ndata: b\n\n", List.of(msg("a"), msg("b"))),
            new Case("multi-line data joined with LF", "data: a\ndata: b\ndata: c\n\n", List.of(msg("a\nb\nc"))),
            new Case("only one space after the colon is removed", "data:  two spaces\n\n", List.of(msg(" two spaces"))),
            new Case("no space after the colon", "data:tight\n\n", List.of(msg("tight"))),
            new Case("colons in the value are kept", "data: a: b: c\n\n", List.of(msg("a: b: c"))),
            new Case("a field without a colon has an empty value", "data\n\n", List.of(msg(""))),
            new Case("bare data: dispatches an empty message", "data:\n\n", List.of(msg(""))),
            new Case("two empty data lines give one LF", "data\ndata\n\n", List.of(msg("\n"))),
            new Case("comments are ignored", ": keep-alive\ndata: x\n: another\n\n", List.of(msg("x"))),
            new Case("a block of only comments dispatches nothing", ": ping\n\n", List.of()),
            new Case("a block without data dispatches nothing and resets the type",
                    "event: a\n\ndata: x\n\n", List.of(msg("x"))),
            new Case("event names the type", "event: update\ndata: x\n\n", List.of(SseEvent.of("update", "x"))),
            new Case("event type resets after dispatch", "event: update\ndata: x\n\ndata: y\n\n",
                    List.of(SseEvent.of("update", "x"), msg("y"))),
            new Case("empty event type means message", "event:\ndata: x\n\n", List.of(msg("x"))),
            new Case("id carries over to later events", "id: 7\ndata: a\n\ndata: b\n\n",
                    List.of(msg("a").withId("7"), msg("b").withId("7")), "7", null),
            new Case("an empty id resets it", "id: 7\ndata: a\n\nid\ndata: b\n\n",
                    List.of(msg("a").withId("7"), msg("b"))),
            new Case("an id with NUL is ignored", "id: 1\ndata: a\n\nid: 2\0x\ndata: b\n\n",
                    List.of(msg("a").withId("1"), msg("b").withId("1")), "1", null),
            new Case("an id set in a block without data still counts", "id: 9\n\ndata: a\n\n",
                    List.of(msg("a").withId("9")), "9", null),
            new Case("an id alone in a block is the stream's last event id", "data: a\n\nid: 7\n\n",
                    List.of(msg("a")), "7", null),
            new Case("an id in an unterminated block is not yet the last event id", "id: 3\n\nid: 8\ndata: b",
                    List.of(), "3", null),
            new Case("an empty id alone in a block clears the last event id", "id: 3\ndata: a\n\nid\n\n",
                    List.of(msg("a").withId("3")), "", null),
            new Case("retry in digits is reported on its event", "retry: 1500\ndata: a\n\ndata: b\n\n",
                    List.of(msg("a").withRetry(Duration.ofMillis(1500)), msg("b")), "", Duration.ofMillis(1500)),
            new Case("retry alone in a block is the stream's reconnection time", "retry: 500\n\n",
                    List.of(), "", Duration.ofMillis(500)),
            new Case("retry counts as soon as its line ends, even in an unterminated block",
                    "data: a\n\nretry: 300\n", List.of(msg("a")), "", Duration.ofMillis(300)),
            new Case("the latest retry wins", "retry: 100\n\nretry: 200\ndata: x\n\n",
                    List.of(msg("x").withRetry(Duration.ofMillis(200))), "", Duration.ofMillis(200)),
            new Case("an invalid retry keeps the reconnection time", "retry: 100\n\nretry: 1.5\n\n",
                    List.of(), "", Duration.ofMillis(100)),
            new Case("retry with non-digits is ignored", "retry: 1.5\ndata: a\n\nretry: -1\ndata: b\n\n",
                    List.of(msg("a"), msg("b"))),
            new Case("unknown fields are ignored", "foo: bar\ndata: a\nDATA: b\n\n", List.of(msg("a"))),
            new Case("a field name is case-sensitive and exact", "data : x\ndata: y\n\n", List.of(msg("y"))),
            new Case("an unterminated last event is discarded", "data: a\n\ndata: b", List.of(msg("a"))),
            new Case("an unterminated last event is discarded even with its line end", "data: a\n\ndata: b\n",
                    List.of(msg("a"))),
            new Case("consecutive blank lines", "\n\n\ndata: a\n\n\n\ndata: b\n\n", List.of(msg("a"), msg("b"))),
            new Case("a leading BOM is skipped", "\uFEFFdata: a\n\n", List.of(msg("a"))),
            new Case("only the first BOM is skipped", "\uFEFF\uFEFFdata: a\n\n", List.of()),
            new Case("a BOM later is data", "data: \uFEFFa\n\n", List.of(msg("\uFEFFa"))),
            new Case("non-ASCII text", "data: héllo wörld 日本語 🌍\n\n", List.of(msg("héllo wörld 日本語 🌍"))),
            new Case("OpenAI done marker", "data: {\"x\":1}\n\ndata: [DONE]\n\n",
                    List.of(msg("{\"x\":1}"), msg("[DONE]"))),
            new Case("empty stream", "", List.of()));

    static final Map<String, String> EOLS = Map.of("LF", "\n", "CR", "\r", "CRLF", "\r\n");

    static Stream<Arguments> cases() {
        return CASES.stream().flatMap(c -> EOLS.keySet().stream().sorted().map(eol -> Arguments.of(c, eol)));
    }

    @ParameterizedTest(name = "{0} [{1}]")
    @MethodSource("cases")
    void parsesEveryChunkingTheSame(Case c, String eol) {
        byte[] bytes = c.wire().replace("\n", EOLS.get(eol)).getBytes(UTF_8);
        Parsed expected = new Parsed(c.expected(), c.lastEventId(), c.reconnectionTime());
        assertThat(parseWithState(new ByteArrayInputStream(bytes))).as("whole").isEqualTo(expected);
        assertThat(parseWithState(new ChunkedInputStream(bytes, 1))).as("one byte per read").isEqualTo(expected);
        for (int cut = 0; cut <= bytes.length; cut++) {
            assertThat(parseWithState(new ChunkedInputStream(bytes, cut, bytes.length - cut)))
                    .as("cut at %d", cut).isEqualTo(expected);
        }
    }

    @org.junit.jupiter.api.Test
    void theStreamStateIsVisibleWhileReadingAsEachBlockEnds() {
        SseParser events = SseParser.events(new ByteArrayInputStream(
                "retry: 250\nid: 1\n\ndata: a\n\nid: 2\n\ndata: b\n\n".getBytes(UTF_8)));
        assertThat(events.lastEventId()).isEmpty();
        assertThat(events.reconnectionTime()).isEmpty();

        assertThat(events.next()).isEqualTo(msg("a").withId("1"));
        assertThat(events.lastEventId()).isEqualTo("1");
        assertThat(events.reconnectionTime()).hasValue(Duration.ofMillis(250));
        assertThat(events.next()).isEqualTo(msg("b").withId("2"));
        assertThat(events.lastEventId()).as("set by the data-less block before b").isEqualTo("2");
        assertThat(events.hasNext()).isFalse();
        assertThat(events.lastEventId()).isEqualTo("2");
    }

    @org.junit.jupiter.api.Test
    void aLongLineThatArrivesWholeIsQuotedFromItsStart() {
        String line = "data: " + "0123456789".repeat(20);
        try (SseParser events = SseParser.events(new ByteArrayInputStream((line + "\n\n").getBytes(UTF_8)), 64)) {
            assertThatThrownBy(events::hasNext).isInstanceOf(SseException.class)
                    .hasMessageContaining("64").hasMessageContaining("starting \"data: 0123456789");
        }
        String second = "data: ok\n\n" + line + "\n\n";
        try (SseParser events = SseParser.events(new ByteArrayInputStream(second.getBytes(UTF_8)), 64)) {
            assertThat(events.next()).isEqualTo(msg("ok"));
            assertThatThrownBy(events::hasNext).isInstanceOf(SseException.class)
                    .hasMessageContaining("starting \"data: 0123456789");
        }
    }

    @org.junit.jupiter.api.Test
    void crlfSplitAcrossReadsIsOneLineEnd() {
        String eol = "\r\n";
        // "data: a\r" | "\ndata: b\r\n\r\n": the LF after the split CR must not end another (empty) line
        byte[] bytes = ("data: a" + eol + "data: b" + eol + eol).getBytes(UTF_8);
        int cut = "data: a\r".length();
        assertThat(parse(new ChunkedInputStream(bytes, cut, bytes.length - cut)))
                .containsExactly(msg("a\nb"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformed")
    void malformedUtf8BecomesReplacementCharacters(String name, byte[] bytes, String expected) {
        assertThat(parse(new ByteArrayInputStream(bytes))).containsExactly(msg(expected));
    }

    static Stream<Arguments> malformed() {
        return Stream.of(
                Arguments.of("lone continuation byte", bytes("data: a", 0x80, "b\n\n"), "a\uFFFDb"),
                Arguments.of("truncated sequence", bytes("data: a", 0xE6, 0x97, "\n\n"), "a\uFFFD"));
    }

    static byte[] bytes(Object... parts) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (Object p : parts) {
            if (p instanceof String s) {
                out.writeBytes(s.getBytes(UTF_8));
            } else {
                out.write((Integer) p);
            }
        }
        return out.toByteArray();
    }

    @org.junit.jupiter.api.Test
    void aLineLargerThanTheBoundFailsNamingTheLimitWithoutReadingItAll() {
        InputStream endless = new InputStream() {
            long served;

            @Override
            public int read() {
                served++;
                return 'x';
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (served > 100L * 1024 * 1024) {
                    throw new AssertionError("parser kept reading past its bound");
                }
                java.util.Arrays.fill(b, off, off + len, (byte) 'x');
                served += len;
                return len;
            }
        };
        TrackingInputStream in = new TrackingInputStream(endless);
        try (CloseableIterator<SseEvent> events = SseParser.events(in, 64 * 1024)) {
            assertThatThrownBy(events::hasNext).isInstanceOf(SseException.class)
                    .hasMessageContaining("65536").hasMessageContaining("xxxx");
        }
        assertThat(in.closed).as("input closed after the failure").isTrue();
    }

    @org.junit.jupiter.api.Test
    void dataLargerThanTheBoundAcrossManyLinesFails() {
        String wire = "data: 0123456789\n".repeat(1000) + "\n";
        try (CloseableIterator<SseEvent> events = SseParser.events(
                new ByteArrayInputStream(wire.getBytes(UTF_8)), 4096)) {
            assertThatThrownBy(events::hasNext).isInstanceOf(SseException.class).hasMessageContaining("4096");
        }
    }

    @org.junit.jupiter.api.Test
    void readFailureIsUncheckedAndClosesTheInput() {
        TrackingInputStream in = new TrackingInputStream(new InputStream() {
            int n;

            @Override
            public int read() throws IOException {
                if (n < 9) {
                    return "data: a\n\n".charAt(n++);
                }
                throw new IOException("reset by peer");
            }
        });
        CloseableIterator<SseEvent> events = SseParser.events(in);
        assertThat(events.next()).isEqualTo(msg("a"));
        assertThatThrownBy(events::hasNext).isInstanceOf(UncheckedIOException.class)
                .hasRootCauseMessage("reset by peer");
        assertThat(in.closed).isTrue();
    }

    @org.junit.jupiter.api.Test
    void endOfStreamAndCloseReleaseTheInputAndCloseIsIdempotent() {
        TrackingInputStream atEnd = new TrackingInputStream(new ByteArrayInputStream("data: a\n\n".getBytes(UTF_8)));
        CloseableIterator<SseEvent> events = SseParser.events(atEnd);
        assertThat(events.next()).isEqualTo(msg("a"));
        assertThat(events.hasNext()).isFalse();
        assertThat(atEnd.closed).as("closed at the end").isTrue();

        TrackingInputStream early = new TrackingInputStream(new ByteArrayInputStream("data: a\n\n".getBytes(UTF_8)));
        CloseableIterator<SseEvent> closedEarly = SseParser.events(early);
        closedEarly.close();
        closedEarly.close();
        assertThat(early.closeCount).isEqualTo(1);
        assertThat(closedEarly.hasNext()).isFalse();
    }

    @org.junit.jupiter.api.Test
    void closeFromAnotherThreadWakesABlockedReader() throws Exception {
        java.io.PipedOutputStream writer = new java.io.PipedOutputStream();
        java.io.PipedInputStream pipe = new java.io.PipedInputStream(writer);
        java.util.concurrent.CountDownLatch reading = new java.util.concurrent.CountDownLatch(1);
        InputStream signalling = new java.io.FilterInputStream(pipe) {
            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                reading.countDown();
                return super.read(b, off, len);
            }
        };
        CloseableIterator<SseEvent> events = SseParser.events(signalling);
        java.util.concurrent.BlockingQueue<Object> outcome = new java.util.concurrent.ArrayBlockingQueue<>(1);
        Thread reader = Thread.ofVirtual().start(() -> {
            try {
                outcome.add(events.hasNext());
            } catch (Throwable t) {
                outcome.add(t);
            }
        });
        assertThat(reading.await(5, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        events.close();
        writer.close(); // PipedInputStream wakes its reader within a second once either side closes
        assertThat(outcome.poll(5, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo(false);
        reader.join(5000);
    }

    static Parsed parseWithState(InputStream in) {
        List<SseEvent> out = new ArrayList<>();
        try (SseParser events = SseParser.events(in)) {
            events.forEachRemaining(out::add);
            return new Parsed(out, events.lastEventId(), events.reconnectionTime().orElse(null));
        }
    }

    static List<SseEvent> parse(InputStream in) {
        List<SseEvent> out = new ArrayList<>();
        try (CloseableIterator<SseEvent> events = SseParser.events(in)) {
            events.forEachRemaining(out::add);
        }
        return out;
    }

    /** Serves bytes in the given piece sizes, then one byte at a time. */
    static final class ChunkedInputStream extends InputStream {
        private final byte[] bytes;
        private final int[] pieces;
        private int pos;
        private int piece;

        ChunkedInputStream(byte[] bytes, int... pieces) {
            this.bytes = bytes;
            this.pieces = pieces;
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
            int size = piece < pieces.length ? pieces[piece++] : 1;
            if (size == 0) {
                return read(b, off, len);
            }
            int n = Math.min(Math.min(size, len), bytes.length - pos);
            System.arraycopy(bytes, pos, b, off, n);
            pos += n;
            return n;
        }
    }

    static final class TrackingInputStream extends java.io.FilterInputStream {
        volatile boolean closed;
        int closeCount;

        TrackingInputStream(InputStream in) {
            super(in);
        }

        @Override
        public void close() throws IOException {
            closed = true;
            closeCount++;
            super.close();
        }
    }
}
