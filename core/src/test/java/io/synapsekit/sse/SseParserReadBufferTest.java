package io.synapsekit.sse;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The parser's read buffer starts small, so that thousands of idle streams cost little, and grows while reads
 * fill it, so that a fast stream is read in large pieces. Lines of every length across the growth points still
 * parse exactly.
 */
class SseParserReadBufferTest {

    @Test
    void aFastStreamGrowsTheBufferToSixteenKibAndParsesEveryEventExactly() {
        Random random = new Random(7);
        List<SseEvent> expected = new ArrayList<>();
        StringBuilder wire = new StringBuilder();
        for (int k = 0; k < 400; k++) {
            // lengths on both sides of every buffer size the parser passes through (0.5, 1, 2, 4, 8, 16 KiB)
            int length = random.nextInt(k % 10 == 0 ? 20_000 : 700) + 1;
            String data = "x".repeat(length - 1) + (char) ('a' + k % 26);
            expected.add(SseEvent.message(data));
            wire.append("data: ").append(data).append('\n').append('\n');
        }
        RecordingInputStream in = new RecordingInputStream(new ByteArrayInputStream(wire.toString().getBytes(UTF_8)));

        assertThat(SseParserSpecTest.parse(in)).isEqualTo(expected);
        assertThat(in.requested.get(0)).as("first read").isEqualTo(512);
        assertThat(in.requested).as("read sizes").contains(4096, 8192).allMatch(n -> n <= 16 * 1024);
        assertThat(in.requested.get(in.requested.size() - 1)).as("last read").isEqualTo(16 * 1024);
    }

    @Test
    void aSlowStreamOfSmallReadsKeepsTheSmallBuffer() {
        StringBuilder wire = new StringBuilder();
        List<SseEvent> expected = new ArrayList<>();
        for (int k = 0; k < 200; k++) {
            String data = "{\"choices\":[{\"delta\":{\"content\":\"token " + k + "\"}}]}";
            expected.add(SseEvent.message(data));
            wire.append("data: ").append(data).append("\n\n");
        }
        byte[] bytes = wire.toString().getBytes(UTF_8);
        // one event per read, as a paced provider stream arrives
        int[] pieces = new int[200];
        for (int k = 0; k < 200; k++) {
            pieces[k] = ("data: " + expected.get(k).data() + "\n\n").getBytes(UTF_8).length;
        }
        RecordingInputStream in = new RecordingInputStream(new SseParserSpecTest.ChunkedInputStream(bytes, pieces));

        assertThat(SseParserSpecTest.parse(in)).isEqualTo(expected);
        assertThat(in.requested).as("read sizes").isNotEmpty().allMatch(n -> n == 512);
    }

    @Test
    void aStreamThatCaughtUpAfterABurstShrinksTheBufferBackAndParsesEveryEventExactly() {
        StringBuilder wire = new StringBuilder();
        List<SseEvent> expected = new ArrayList<>();
        List<Integer> pieces = new ArrayList<>();
        StringBuilder burst = new StringBuilder();
        for (int k = 0; k < 200; k++) { // a reader that fell behind: 200 events waiting at once
            String data = "{\"choices\":[{\"delta\":{\"content\":\"burst " + k + "\"}}]}";
            expected.add(SseEvent.message(data));
            burst.append("data: ").append(data).append("\n\n");
        }
        wire.append(burst);
        pieces.add(burst.toString().getBytes(UTF_8).length);
        for (int k = 0; k < 200; k++) { // then one event per read again, as a paced stream arrives
            String data = "{\"choices\":[{\"delta\":{\"content\":\"token " + k + "\"}}]}";
            expected.add(SseEvent.message(data));
            String event = "data: " + data + "\n\n";
            wire.append(event);
            pieces.add(event.getBytes(UTF_8).length);
        }
        RecordingInputStream in = new RecordingInputStream(new PiecesInputStream(wire.toString().getBytes(UTF_8),
                pieces));

        assertThat(SseParserSpecTest.parse(in)).isEqualTo(expected);
        assertThat(in.requested).as("read sizes").contains(8192);
        assertThat(in.requested.get(in.requested.size() - 1)).as("last read").isEqualTo(512);
    }

    /** Hands out its bytes piece by piece: a read returns at most the rest of the current piece. */
    static final class PiecesInputStream extends InputStream {
        private final byte[] bytes;
        private final List<Integer> pieces;
        private int pos;
        private int piece;
        private int leftInPiece;

        PiecesInputStream(byte[] bytes, List<Integer> pieces) {
            this.bytes = bytes;
            this.pieces = pieces;
        }

        @Override
        public int read() {
            throw new UnsupportedOperationException("the parser reads in blocks");
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (pos >= bytes.length) {
                return -1;
            }
            if (leftInPiece == 0) {
                leftInPiece = pieces.get(piece++);
            }
            int n = Math.min(len, leftInPiece);
            System.arraycopy(bytes, pos, b, off, n);
            pos += n;
            leftInPiece -= n;
            return n;
        }
    }

    /** Records the length each read asked for. */
    static final class RecordingInputStream extends FilterInputStream {
        final List<Integer> requested = new ArrayList<>();

        RecordingInputStream(InputStream in) {
            super(in);
        }

        @Override
        public int read(byte[] b, int off, int len) throws java.io.IOException {
            if (off == 0) { // a fresh fill (the BOM check at the start tops up at an offset)
                requested.add(len);
            }
            return super.read(b, off, len);
        }
    }
}
