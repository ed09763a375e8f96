package io.synapsekit.sse;

import io.synapsekit.stream.CloseableIterator;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;

/**
 * Parses a {@code text/event-stream} exactly as the WHATWG HTML standard's "Interpreting an event stream" says,
 * as an iterator of its events read lazily on the caller's thread.
 *
 * <p>Lines end with LF, CR or CRLF, also when a CRLF is split across reads; one leading BOM is skipped; bytes are
 * decoded as UTF-8 per line (so sequences split across reads decode whole; malformed bytes become U+FFFD);
 * comments and unknown fields are ignored; an unterminated last event is discarded at EOF. A line or an event's
 * data larger than the bound fails with {@link SseException} rather than exhausting memory.
 *
 * <p>Besides its events, a parser keeps the stream-level state the standard gives the event source, which a
 * client that reconnects needs: the {@linkplain #lastEventId() last event ID} to send as {@code Last-Event-ID},
 * and the {@linkplain #reconnectionTime() reconnection time} to wait. A block with no data (such as
 * {@code retry: 500} or {@code id: 7} and a blank line) dispatches no event but still updates them.
 *
 * <p>{@code close()} closes the input; it is idempotent and may be called from any thread. One thread iterates;
 * the state may be read from any thread.
 */
public final class SseParser implements CloseableIterator<SseEvent> {

    /** The default bound on one line and on one event's data: 8 MiB. */
    public static final int DEFAULT_MAX_EVENT_BYTES = 8 * 1024 * 1024;

    /** Returns the events of {@code in} with the default bound. See {@link #events(InputStream, int)}. */
    public static SseParser events(InputStream in) {
        return events(in, DEFAULT_MAX_EVENT_BYTES);
    }

    /**
     * Returns the events of {@code in}, read lazily on the caller's thread.
     *
     * <p>The iterator closes {@code in} when it reaches the end, fails, or is closed. {@code close()} is idempotent
     * and may be called from any thread; a reader blocked in {@code hasNext()} then returns {@code false} if the
     * stream's {@code close} wakes it (the SynapseKit transports do). Read failures are thrown as
     * {@link UncheckedIOException}; a line or data larger than {@code maxEventBytes} as {@link SseException}.
     */
    public static SseParser events(InputStream in, int maxEventBytes) {
        if (maxEventBytes < 1) {
            throw new IllegalArgumentException("maxEventBytes must be positive: " + maxEventBytes);
        }
        return new SseParser(in, maxEventBytes);
    }

    private static final int MIN_BUFFER = 512;
    private static final int MAX_BUFFER = 16 * 1024;
    /** How many reads in a row that use at most a quarter of a grown buffer halve it. */
    private static final int SHRINK_AFTER = 16;
    /** How much of an over-long line its error quotes. */
    private static final int QUOTED_BYTES = 200;

    private final InputStream in;
    private final int max;
    private final AtomicBoolean closed = new AtomicBoolean();
    // Starts small and doubles while reads fill it: an open stream that receives a token now and then (the
    // common case, thousands at once on a server) then holds 512 bytes, about two provider chunks, rather than
    // 16 KiB, while a fast stream reaches 16 KiB in five reads. A stream that caught up after a burst (a slow
    // reader, a provider pausing) halves it again after SHRINK_AFTER small reads, so that a burst does not leave
    // every open stream holding 16 KiB for the rest of its life.
    private byte[] buf = new byte[MIN_BUFFER];
    private boolean bufFilled; // the last read filled buf
    private int smallReads; // reads in a row that used at most a quarter of buf
    private int pos;
    private int limit;
    private boolean eof;
    private boolean first = true;
    private boolean skipLf; // the last line ended with CR: a following LF belongs to it
    private byte[] line = new byte[256];
    private int lineLen;
    // The current line is lineBuf[lineOff, lineOff + lineLen): buf itself when the line lay whole in it
    // (no copy), else the line buffer it was assembled in across reads.
    private byte[] lineBuf = line;
    private int lineOff;
    // event buffers
    private final StringBuilder data = new StringBuilder(); // used from an event's second data line on
    private @Nullable String soleData; // the event's data while it has one line
    private int dataLines;
    private int dataLength; // the data's length with one LF per line, as the standard buffers it
    private boolean hasData;
    private String type = "";
    private String lastId = ""; // the standard's last event ID buffer
    private @Nullable Duration retry;
    private @Nullable SseEvent next;
    // stream state, written on the reading thread only when it changes
    private volatile String lastEventId = ""; // the standard's last event ID string, set at each block's end
    private volatile @Nullable Duration reconnectionTime;

    private SseParser(InputStream in, int max) {
        this.in = in;
        this.max = max;
    }

    /**
     * Returns the last event ID string: the {@code id} in force at the end of the last complete block, with or
     * without data ({@code ""} when none was set, or an empty {@code id} cleared it). A reconnecting client sends
     * it as {@code Last-Event-ID}. An {@code id} in a block the stream has not ended yet does not count.
     */
    public String lastEventId() {
        return lastEventId;
    }

    /**
     * Returns the reconnection time the server asked for with its latest valid {@code retry} field, in a block
     * with or without data; empty when it sent none. It counts as soon as its line ends, as the standard says.
     */
    public Optional<Duration> reconnectionTime() {
        return Optional.ofNullable(reconnectionTime);
    }

    @Override
    public boolean hasNext() {
        if (next != null) {
            return true;
        }
        if (closed.get()) {
            return false;
        }
        try {
            next = parseNext();
        } catch (IOException e) {
            boolean byCaller = closed.get();
            close();
            if (byCaller) {
                return false;
            }
            throw new UncheckedIOException(e);
        } catch (RuntimeException | Error e) {
            close();
            throw e;
        }
        if (next == null) {
            close();
            return false;
        }
        return true;
    }

    @Override
    public SseEvent next() {
        if (!hasNext()) {
            throw new NoSuchElementException("the event stream has ended");
        }
        SseEvent e = next;
        next = null;
        return e;
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            try {
                in.close();
            } catch (IOException ignored) {
                // releasing: nothing left to report to
            }
        }
    }

    /** Returns the next dispatched event, or null at EOF. */
    private @Nullable SseEvent parseNext() throws IOException {
        while (readLine()) {
            if (lineLen == 0) {
                SseEvent e = dispatch();
                if (e != null) {
                    return e;
                }
                continue;
            }
            processLine();
        }
        return null; // EOF: an unterminated event is discarded
    }

    private @Nullable SseEvent dispatch() {
        // The standard sets the last event ID string at every block's end, with data or without.
        if (lastId != lastEventId) { // the buffer is replaced, never changed in place: a reference check suffices
            lastEventId = lastId;
        }
        Duration r = retry;
        retry = null;
        if (!hasData) {
            type = "";
            return null;
        }
        String d;
        if (dataLines == 1) {
            d = soleData; // the common case: one data line, no copy
        } else {
            d = data.substring(0, data.length() - 1); // drop the last line's LF
        }
        SseEvent e = new SseEvent(type.isEmpty() ? "message" : type, d, lastId, r);
        data.setLength(0);
        soleData = null;
        dataLines = 0;
        dataLength = 0;
        hasData = false;
        type = "";
        return e;
    }

    private static final byte[] DATA = {'d', 'a', 't', 'a'};
    private static final byte[] EVENT = {'e', 'v', 'e', 'n', 't'};
    private static final byte[] ID = {'i', 'd'};
    private static final byte[] RETRY = {'r', 'e', 't', 'r', 'y'};

    /** Whether the field name {@code l[off, off + n)} is {@code name}: bytes compare as the decoded text would. */
    private static boolean is(byte[] l, int off, int n, byte[] name) {
        return n == name.length && java.util.Arrays.equals(l, off, off + n, name, 0, n);
    }

    private void processLine() {
        byte[] l = lineBuf;
        int off = lineOff;
        int n = off + lineLen; // the end of the line in l
        if (l[off] == ':') {
            return; // comment
        }
        int colon = -1;
        for (int i = off; i < n; i++) {
            if (l[i] == ':') {
                colon = i;
                break;
            }
        }
        int fieldLength = (colon < 0 ? n : colon) - off;
        int start = n;
        if (colon >= 0) {
            start = colon + 1;
            if (start < n && l[start] == ' ') {
                start++;
            }
        }
    // Field names are compared as bytes, so no string is made for them; only known fields decode a value.
        if (is(l, off, fieldLength, DATA)) {
            String value = new String(l, start, n - start, StandardCharsets.UTF_8);
            if (dataLength + value.length() + 1 > max) {
                throw new SseException("event data larger than " + max + " bytes");
            }
            if (dataLines == 0) {
                soleData = value;
            } else {
                if (dataLines == 1) {
                    data.append(soleData).append('\n');
                }
                data.append(value).append('\n');
            }
            dataLines++;
            dataLength += value.length() + 1;
            hasData = true;
        } else if (is(l, off, fieldLength, EVENT)) {
            type = new String(l, start, n - start, StandardCharsets.UTF_8);
        } else if (is(l, off, fieldLength, ID)) {
            String value = new String(l, start, n - start, StandardCharsets.UTF_8);
            if (value.indexOf('\0') < 0) {
                lastId = value;
            }
        } else if (is(l, off, fieldLength, RETRY)) {
            String value = new String(l, start, n - start, StandardCharsets.UTF_8);
            if (!value.isEmpty() && value.chars().allMatch(c -> c >= '0' && c <= '9')) {
                try {
                    retry = Duration.ofMillis(Long.parseLong(value));
                    reconnectionTime = retry; // the stream's, at once, as the standard says
                } catch (NumberFormatException tooLarge) {
                    // digits beyond long: no sane reconnection time; ignored like any bad value
                }
            }
        }
    // unknown fields are ignored
    }

    /** Reads one line into {@code lineBuf}; returns false at EOF with no complete line. */
    private boolean readLine() throws IOException {
        lineLen = 0;
        lineBuf = line;
        lineOff = 0;
        while (true) {
            if (pos == limit) {
                if (!fill()) {
                    return false; // a partial line at EOF is not a line
                }
            }
            if (skipLf) {
                skipLf = false;
                if (buf[pos] == '\n') {
                    pos++;
                    continue;
                }
            }
            int start = pos;
            int end = limit;
            byte[] b = buf;
            int i = endOfLine(b, start, end);
            if (i < end && lineLen == 0 && i - start <= max) {
                // The whole line is in the read buffer: parse it there, without copying it.
                lineBuf = b;
                lineOff = start;
                lineLen = i - start;
                skipLf = b[i] == '\r';
                pos = i + 1;
                return true;
            }
            append(b, start, i - start);
            if (i < end) {
                lineBuf = line; // append may have grown it
                skipLf = b[i] == '\r';
                pos = i + 1;
                return true;
            }
            pos = end;
        }
    }

    private static final java.lang.invoke.VarHandle LONGS = java.lang.invoke.MethodHandles
            .byteArrayViewVarHandle(long[].class, java.nio.ByteOrder.LITTLE_ENDIAN);
    private static final long ONES = 0x0101010101010101L;
    private static final long HIGHS = 0x8080808080808080L;
    private static final long LFS = 0x0A0A0A0A0A0A0A0AL;
    private static final long CRS = 0x0D0D0D0D0D0D0D0DL;

    /**
     * Returns the index of the first LF or CR in {@code b[from, end)}, or {@code end}. Eight bytes at a time:
     * a byte equal to LF or CR becomes zero after the XOR, and the classic zero-byte test flags it; the test
     * can also flag bytes above a true zero (a borrow), never below one, so the lowest flag is exact.
     */
    static int endOfLine(byte[] b, int from, int end) {
        int i = from;
        while (i + 8 <= end) {
            long w = (long) LONGS.get(b, i);
            long lf = w ^ LFS;
            long cr = w ^ CRS;
            long hit = (((lf - ONES) & ~lf) | ((cr - ONES) & ~cr)) & HIGHS;
            if (hit != 0) {
                return i + (Long.numberOfTrailingZeros(hit) >>> 3);
            }
            i += 8;
        }
        while (i < end && b[i] != '\n' && b[i] != '\r') {
            i++;
        }
        return i;
    }

    private void append(byte[] b, int off, int len) {
        if (len == 0) {
            return;
        }
        int need = lineLen + len;
        if (need > max) {
            throw new SseException("line longer than " + max + " bytes, starting \"" + lineStart(b, off, len) + "\"");
        }
        if (need > line.length) {
            line = java.util.Arrays.copyOf(line, Math.max(need, Math.min(line.length * 2, max)));
        }
        System.arraycopy(b, off, line, lineLen, len);
        lineLen = need;
    }

    /**
     * Returns the first {@value #QUOTED_BYTES} bytes of the line being read, decoded: those assembled so far, then
     * {@code b[off, off + len)}, where the line begins when it arrived whole in one read.
     */
    private String lineStart(byte[] b, int off, int len) {
        byte[] start = new byte[Math.min(QUOTED_BYTES, lineLen + len)];
        int fromLine = Math.min(lineLen, start.length);
        System.arraycopy(line, 0, start, 0, fromLine);
        System.arraycopy(b, off, start, fromLine, start.length - fromLine);
        return new String(start, StandardCharsets.UTF_8);
    }

    private boolean fill() throws IOException {
        if (eof) {
            return false;
        }
        // nothing in buf is needed any more when fill() runs: it starts over at 0, so buf may be replaced
        if (bufFilled && buf.length < MAX_BUFFER) {
            buf = new byte[buf.length * 2];
        } else if (smallReads >= SHRINK_AFTER) {
            buf = new byte[buf.length / 2];
            smallReads = 0;
        }
        int n = in.read(buf, 0, buf.length);
        while (n == 0) {
            n = in.read(buf, 0, buf.length);
        }
        if (n < 0) {
            eof = true;
            return false;
        }
        pos = 0;
        limit = n;
        bufFilled = n == buf.length;
        smallReads = buf.length > MIN_BUFFER && n <= buf.length / 4 ? smallReads + 1 : 0;
        if (first) {
            first = false;
            skipBom();
        }
        return true;
    }

    /** Skips a UTF-8 BOM at the very start, even when it arrives split across reads. */
    private void skipBom() throws IOException {
        byte[] bom = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
        while (limit - pos < 3) {
            for (int i = pos; i < limit; i++) {
                if (buf[i] != bom[i - pos]) {
                    return;
                }
            }
            int n = in.read(buf, limit, buf.length - limit);
            if (n < 0) {
                eof = true;
                if (limit - pos < 3) {
                    return;
                }
                break;
            }
            limit += n;
        }
        if (buf[pos] == bom[0] && buf[pos + 1] == bom[1] && buf[pos + 2] == bom[2]) {
            pos += 3;
        }
    }
}
