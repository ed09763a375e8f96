package io.synapsekit.llm.ollama;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Property tests of Ollama's NDJSON {@link LineReader} over arbitrary bytes and chunkings, seeded so a failure
 * names its input: it agrees with a plain split on LF, fails only with {@link LineReader.LineTooLongException}
 * past its bound, reads little beyond the bound, and ends.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class LineReaderPropertyTest {

    private static final byte[][] PIECES = {
        b("\n"), b("\r"), b("\r\n"), b("{\"message\":{\"content\":\"x\"},\"done\":false}"), b("é"), b("\uD83D\uDE00"),
        {(byte) 0xFF}, {(byte) 0xE2, (byte) 0x82}, {(byte) 0xAC}, b(" "), b("\0"), b("\n\n")
    };

    @Test
    void anyBytesInAnyChunksSplitAsAPlainSplitOnLineFeeds() throws IOException {
        for (int c = 0; c < 3_000; c++) {
            Random random = new Random(c);
            int max = random.nextBoolean() ? 1 << 20 : 1 + random.nextInt(60);
            byte[] input = randomInput(random, random.nextInt(200));
            Object expected = reference(input, max);
            Object actual = read(new Chunked(input, random.nextLong()), max);
            assertThat(actual).as("case %d, max %d, %d bytes", c, max, input.length).isEqualTo(expected);
        }
    }

    @Test
    void anEndlessLineFailsAfterReadingLittleMoreThanTheBound() {
        AtomicLong read = new AtomicLong();
        InputStream endless = new InputStream() {
            @Override
            public int read() {
                read.incrementAndGet();
                return 'x';
            }

            @Override
            public int read(byte[] b, int off, int len) {
                int n = Math.min(len, 1000);
                java.util.Arrays.fill(b, off, off + n, (byte) 'x');
                read.addAndGet(n);
                return n;
            }
        };
        LineReader reader = new LineReader(endless, 100_000);
        assertThatThrownBy(reader::next).isInstanceOf(LineReader.LineTooLongException.class)
                .hasMessageContaining("100000");
        assertThat(read.get()).isLessThanOrEqualTo(100_000 + 8192);
    }

    /** The lines of {@code input} split on LF, one trailing CR dropped, or "too long". */
    static Object reference(byte[] input, int max) {
        List<LineReader.Line> lines = new ArrayList<>();
        int start = 0;
        for (int i = 0; i <= input.length; i++) {
            boolean end = i == input.length;
            if (!end && input[i] != '\n') {
                if (i - start + 1 > max) {
                    return "too long";
                }
                continue;
            }
            if (end && i == start) {
                break;
            }
            int len = i - start;
            if (len > 0 && input[i - 1] == '\r') {
                len--;
            }
            lines.add(new LineReader.Line(new String(input, start, len, StandardCharsets.UTF_8), !end));
            start = i + 1;
        }
        return lines;
    }

    static Object read(InputStream in, int max) throws IOException {
        LineReader reader = new LineReader(in, max);
        List<LineReader.Line> lines = new ArrayList<>();
        try {
            for (LineReader.Line l = reader.next(); l != null; l = reader.next()) {
                lines.add(l);
            }
        } catch (LineReader.LineTooLongException e) {
            return "too long";
        }
        assertThat(reader.next()).as("after the end, the end again").isNull();
        return lines;
    }

    private static byte[] randomInput(Random random, int pieces) {
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

    /** Hands out the bytes in random chunks of 1 to 23 bytes. */
    private static final class Chunked extends InputStream {
        private final byte[] bytes;
        private final Random random;
        private int pos;

        Chunked(byte[] bytes, long seed) {
            this.bytes = bytes;
            this.random = new Random(seed);
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
            int n = Math.min(Math.min(len, 1 + random.nextInt(23)), bytes.length - pos);
            System.arraycopy(bytes, pos, b, off, n);
            pos += n;
            return n;
        }
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
