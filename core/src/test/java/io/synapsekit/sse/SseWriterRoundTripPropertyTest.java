package io.synapsekit.sse;

import static org.assertj.core.api.Assertions.assertThat;

import io.synapsekit.stream.CloseableIterator;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Property test: no content, however crafted, breaks out of the frame {@link SseWriter} puts it in. Random
 * events whose data, names and ids are built from the grammar's own markers ({@code \n\ndata: }, {@code event:},
 * {@code id:}, {@code retry:}, CR, CRLF, a BOM, a leading colon…), interleaved with comments, are written and read
 * back by {@link SseParser} in random chunks: exactly the same events come back, in the same number, with the same
 * names, ids, retries and data (CR and CRLF in data read as LF, the one change SSE forces).
 */
class SseWriterRoundTripPropertyTest {

    private static final String[] HOSTILE = {
        "\n", "\r", "\r\n", "\n\n", "\r\r", "\r\n\r\n", "data: ", "data:", "event: ", "event:", "id: ", "id:",
        "retry: 5", ":", ": ", " ", "  ", "\n\ndata: injected\n\n", "\nevent: evil\n", "\nid: 666\n",
        "\nretry: 1\n", "[DONE]", "\uFEFF", "\u2028", "\u0085", "\0", "\t", "é", "\uD83D\uDE00", "x", "hello", ""
    };

    @Test
    void whatIsWrittenIsExactlyWhatIsRead() {
        for (int c = 0; c < 3_000; c++) {
            Random random = new Random(c);
            List<SseEvent> written = new ArrayList<>();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (SseWriter writer = new SseWriter(out)) {
                int n = 1 + random.nextInt(6);
                for (int i = 0; i < n; i++) {
                    if (random.nextInt(4) == 0) {
                        writer.comment(hostile(random, 4));
                    }
                    SseEvent e = new SseEvent(name(random), hostile(random, 8), id(random),
                            random.nextInt(5) == 0 ? Duration.ofMillis(random.nextInt(100_000)) : null);
                    writer.write(e);
                    written.add(e);
                }
            }
            List<SseEvent> read = new ArrayList<>();
            byte[] wire = out.toByteArray();
            try (CloseableIterator<SseEvent> events = SseParser.events(
                    new SseParserPropertyTest.ChunkedInputStream(wire, c))) {
                events.forEachRemaining(read::add);
            }
            assertThat(read).as("case %d, wire %s", c, SseParserPropertyTest.show(wire))
                    .isEqualTo(expected(written));
        }
    }

    /** What a standard reader must report: data with CR and CRLF as LF, and ids carried over while unset. */
    private static List<SseEvent> expected(List<SseEvent> written) {
        List<SseEvent> out = new ArrayList<>();
        String lastId = "";
        for (SseEvent e : written) {
            if (!e.id().isEmpty()) {
                lastId = e.id();
            }
            out.add(new SseEvent(e.event(), e.data().replace("\r\n", "\n").replace('\r', '\n'), lastId, e.retry()));
        }
        return out;
    }

    private static String hostile(Random random, int maxPieces) {
        StringBuilder s = new StringBuilder();
        int n = random.nextInt(maxPieces + 1);
        for (int i = 0; i < n; i++) {
            s.append(HOSTILE[random.nextInt(HOSTILE.length)]);
        }
        return s.toString();
    }

    /** A non-empty name without CR or LF (SseEvent refuses those); may hold colons, spaces, "data: "… */
    private static String name(Random random) {
        if (random.nextBoolean()) {
            return "message";
        }
        String s = hostile(random, 4).replace("\r", "").replace("\n", "");
        return s.isEmpty() ? "delta" : s;
    }

    /** An id without CR, LF or NUL (SseEvent refuses those), often none. */
    private static String id(Random random) {
        if (random.nextBoolean()) {
            return "";
        }
        return hostile(random, 4).replace("\r", "").replace("\n", "").replace("\0", "");
    }

    @Test
    void theWireOfAHostileTokenHasOneBlankLineOnlyAtTheEnd() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new SseWriter(out).data("a\n\ndata: b\r\n\r\nevent: x\r\r");
        String wire = out.toString(StandardCharsets.UTF_8);
        assertThat(wire).isEqualTo("data: a\ndata:\ndata: data: b\ndata:\ndata: event: x\ndata:\ndata:\n\n");
    }

    @Test
    void closeAndFlushReachTheStreamAndReleaseTheLockForOtherThreads() throws Exception {
        java.util.concurrent.atomic.AtomicInteger flushes = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();
        ByteArrayOutputStream out = new ByteArrayOutputStream() {
            @Override
            public void flush() {
                flushes.incrementAndGet();
            }

            @Override
            public void close() {
                closed.set(true);
            }
        };
        SseWriter writer = new SseWriter(out);
        writer.flush();
        assertThat(flushes).hasValue(1);
        writer.close();
        assertThat(closed).isTrue();
        // another thread can still take the lock: every path released it
        Thread other = Thread.ofVirtual().start(() -> writer.data("after"));
        assertThat(other.join(java.time.Duration.ofSeconds(5))).isTrue();
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("data: after\n\n");
    }

    @Test
    void writeFailuresAreUncheckedAndLeaveTheWriterUsable() throws Exception {
        java.io.OutputStream broken = new java.io.OutputStream() {
            @Override
            public void write(int b) throws java.io.IOException {
                throw new java.io.IOException("client gone");
            }

            @Override
            public void flush() throws java.io.IOException {
                throw new java.io.IOException("client gone");
            }

            @Override
            public void close() throws java.io.IOException {
                throw new java.io.IOException("client gone");
            }
        };
        SseWriter writer = new SseWriter(broken);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> writer.data("x"))
                .isInstanceOf(java.io.UncheckedIOException.class);
        org.assertj.core.api.Assertions.assertThatThrownBy(writer::flush)
                .isInstanceOf(java.io.UncheckedIOException.class);
        org.assertj.core.api.Assertions.assertThatThrownBy(writer::close)
                .isInstanceOf(java.io.UncheckedIOException.class);
        Thread other = Thread.ofVirtual().start(() -> {
            try {
                writer.comment("still locked?");
            } catch (java.io.UncheckedIOException expected) {
                // the write fails again, but it got the lock
            }
        });
        assertThat(other.join(java.time.Duration.ofSeconds(5))).as("the lock was released").isTrue();
    }
}
