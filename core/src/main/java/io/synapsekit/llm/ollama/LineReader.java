package io.synapsekit.llm.ollama;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * Reads newline-delimited lines from a byte stream, bounded in length.
 *
 * <p>Bytes are collected until a line feed and only then decoded, so a UTF-8 character split across reads comes
 * out whole. A trailing carriage return is dropped. Not thread-safe: one thread reads.
 */
final class LineReader {

    /** One line: its text, and whether a line feed ended it (false only for a last line cut off at EOF). */
    record Line(String text, boolean terminated) {
    }

    /** Thrown when a line is longer than the bound. */
    static final class LineTooLongException extends IOException {
        final String start;

        LineTooLongException(int max, String start) {
            super("line longer than " + max + " bytes");
            this.start = start;
        }
    }

    private final InputStream in;
    private final int maxLineBytes;
    private final byte[] buffer = new byte[8192];
    private int position;
    private int limit;
    private byte[] line = new byte[256];
    private int lineLength;
    private boolean eof;

    LineReader(InputStream in, int maxLineBytes) {
        this.in = in;
        this.maxLineBytes = maxLineBytes;
    }

    /** Returns the next line, or {@code null} at the end of the stream. Blocks until a line or EOF. */
    @Nullable Line next() throws IOException {
        while (true) {
            for (int i = position; i < limit; i++) {
                if (buffer[i] == '\n') {
                    append(position, i - position);
                    position = i + 1;
                    return take(true);
                }
            }
            append(position, limit - position);
            position = limit;
            if (eof) {
                return lineLength == 0 ? null : take(false);
            }
            int n = in.read(buffer, 0, buffer.length);
            if (n < 0) {
                eof = true;
                limit = 0;
                position = 0;
            } else {
                position = 0;
                limit = n;
            }
        }
    }

    private void append(int from, int length) throws IOException {
        if (length == 0) {
            return;
        }
        if (lineLength + length > maxLineBytes) {
            String start = new String(line, 0, Math.min(lineLength, 200), StandardCharsets.UTF_8);
            throw new LineTooLongException(maxLineBytes, start);
        }
        if (lineLength + length > line.length) {
            line = Arrays.copyOf(line, Math.min(Math.max(line.length * 2, lineLength + length), maxLineBytes));
        }
        System.arraycopy(buffer, from, line, lineLength, length);
        lineLength += length;
    }

    private Line take(boolean terminated) {
        int length = lineLength;
        if (length > 0 && line[length - 1] == '\r') {
            length--;
        }
        String text = new String(line, 0, length, StandardCharsets.UTF_8);
        lineLength = 0;
        if (line.length > 64 * 1024) {
            line = new byte[256]; // one huge line should not pin its buffer for the rest of the stream
        }
        return new Line(text, terminated);
    }
}
