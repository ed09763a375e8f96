package io.synapsekit.sse;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.synapsekit.stream.CloseableIterator;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** SseWriter's framing: exact bytes, a flush per block, and a lossless round trip through SseParser. */
class SseWriterTest {

    @Test
    void writesTheDocumentedFraming() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        SseWriter w = new SseWriter(out);
        w.data("hello");
        w.event("node", "a\nb");
        w.write(SseEvent.message(" lead").withId("42").withRetry(Duration.ofSeconds(3)));
        w.comment("keep-alive");
        w.retry(Duration.ofMillis(2500));
        w.data("");

        assertThat(out.toString(UTF_8)).isEqualTo("data: hello\n\n"
                + "event: node\ndata: a\ndata: b\n\n"
                + "id: 42\nretry: 3000\ndata:  lead\n\n"
                + ": keep-alive\n\n"
                + "retry: 2500\n\n"
                + "data:\n\n");
    }

    @Test
    void flushesEveryBlock() {
        List<String> flushedAt = new ArrayList<>();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        OutputStream out = new OutputStream() {
            @Override
            public void write(int b) {
                bytes.write(b);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                bytes.write(b, off, len);
            }

            @Override
            public void flush() {
                flushedAt.add(bytes.toString(UTF_8));
            }
        };
        SseWriter w = new SseWriter(out);
        w.data("a");
        w.comment("ping");
        assertThat(flushedAt).containsExactly("data: a\n\n", "data: a\n\n: ping\n\n");
    }

    @Test
    void aFailedWriteIsUnchecked() {
        SseWriter w = new SseWriter(new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                throw new IOException("Broken pipe");
            }
        });
        assertThatThrownBy(() -> w.data("x")).isInstanceOf(UncheckedIOException.class).hasMessageContaining("Broken pipe");
    }

    @Test
    void eventsWithLineBreaksInTypeOrIdAreRefused() {
        assertThatThrownBy(() -> SseEvent.of("a\nb", "x")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("a\\nb");
        assertThatThrownBy(() -> SseEvent.message("x").withId("1\r2")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void anyStringRoundTripsExceptThatCarriageReturnsBecomeLineFeeds() {
        Random random = new Random(20261124);
        String[] atoms = {"a", "Z", " ", "  ", ":", "data: ", "\n", "\r", "\r\n", "\n\n", "id: 3", "é", "日", "🌍",
            "[DONE]", "event: x", "\uFEFF", ""};
        for (int round = 0; round < 500; round++) {
            List<SseEvent> written = new ArrayList<>();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            SseWriter w = new SseWriter(out);
            int events = 1 + random.nextInt(5);
            for (int e = 0; e < events; e++) {
                StringBuilder s = new StringBuilder();
                int parts = random.nextInt(8);
                for (int p = 0; p < parts; p++) {
                    s.append(atoms[random.nextInt(atoms.length)]);
                }
                SseEvent event = random.nextBoolean() ? SseEvent.message(s.toString())
                        : SseEvent.of("t" + random.nextInt(3), s.toString()).withId("id" + e);
                w.write(event);
                if (random.nextInt(4) == 0) {
                    w.comment("keep-alive\nsecond line");
                }
                written.add(event);
            }
            byte[] bytes = out.toByteArray();
            List<SseEvent> expected = normalise(written);
            int cut = random.nextInt(bytes.length + 1);
            assertThat(parse(new SseParserSpecTest.ChunkedInputStream(bytes, cut, bytes.length - cut)))
                    .as("round %d, cut at %d", round, cut).isEqualTo(expected);
        }
    }

    /** What a reader sees: CRs become LFs, and the last event ID carries over. */
    private static List<SseEvent> normalise(List<SseEvent> written) {
        List<SseEvent> out = new ArrayList<>();
        String lastId = "";
        for (SseEvent e : written) {
            if (!e.id().isEmpty()) {
                lastId = e.id();
            }
            out.add(new SseEvent(e.event(), e.data().replace("\r\n", "\n").replace("\r", "\n"), lastId, null));
        }
        return out;
    }

    private static List<SseEvent> parse(java.io.InputStream in) {
        List<SseEvent> out = new ArrayList<>();
        try (CloseableIterator<SseEvent> events = SseParser.events(in)) {
            events.forEachRemaining(out::add);
        }
        return out;
    }

    @Test
    void concurrentWritersNeverInterleaveInsideAnEvent() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        SseWriter w = new SseWriter(out);
        String big = "x".repeat(10_000);
        Thread[] threads = new Thread[8];
        for (int t = 0; t < threads.length; t++) {
            int id = t;
            threads[t] = Thread.ofVirtual().start(() -> {
                for (int i = 0; i < 50; i++) {
                    w.event("w" + id, big + "\n" + big);
                }
            });
        }
        for (Thread t : threads) {
            t.join();
        }
        List<SseEvent> events = parse(new ByteArrayInputStream(out.toByteArray()));
        assertThat(events).hasSize(400).allSatisfy(e -> assertThat(e.data()).isEqualTo(big + "\n" + big));
    }
}
