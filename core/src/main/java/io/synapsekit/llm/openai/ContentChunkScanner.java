package io.synapsekit.llm.openai;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;

/**
 * Reads the one chunk shape that makes up almost all of a Chat Completions stream, a plain content delta of
 * choice 0, in a single pass over its characters, building no tree and no parser.
 *
 * <p>It accepts only strict JSON of that shape: an object of the scalar metadata fields ({@code id},
 * {@code object}, {@code created}, {@code model}, {@code system_fingerprint}, {@code service_tier},
 * {@code obfuscation}), {@code usage: null} and one {@code choices} array of at most one object with
 * {@code index: 0}, {@code logprobs: null}, {@code finish_reason: null} and a {@code delta} of {@code role} and
 * {@code content} strings and null {@code refusal}, {@code reasoning_content}, {@code reasoning},
 * {@code tool_calls}. Anything else, valid or not, returns {@code null}: the caller then applies the full,
 * tree-based rules, which also report malformed JSON. So this class never decides an error and never accepts
 * text that Jackson would reject.
 *
 * <p>Profiled in the benchmarks: with Jackson's streaming parser the chunk's field names and nested contexts
 * cost about a microsecond per token; this scanner reads the same chunk several times faster.
 */
final class ContentChunkScanner {

    private static final int MAX_NUMBER = 100;

    private final String s;
    // One byte per char of s: the char itself below 0x100, '?' above. JSON's syntax is all ASCII, so this view
    // decides the structure exactly (a '?' is never structural and never part of a name we know) while string
    // values are always taken from s itself. Bytes let the string scans below test eight chars at a time.
    private final byte[] bs;
    private final int n;
    private int i;
    private int contentOpen = -1; // the quotes around the content string that chunk() returned, if it was one
    private int contentClose = -1;
    private int paddingOpen = -1; // the quotes around the last obfuscation string
    private int paddingClose = -1;

    private ContentChunkScanner(String s) {
        this.s = s;
        this.n = s.length();
        this.bs = oneBytePerChar(s);
    }

    private static final byte[] CHOICES = ascii("choices");
    private static final byte[] USAGE = ascii("usage");
    private static final byte[] ID = ascii("id");
    private static final byte[] OBJECT = ascii("object");
    private static final byte[] CREATED = ascii("created");
    private static final byte[] MODEL = ascii("model");
    private static final byte[] SYSTEM_FINGERPRINT = ascii("system_fingerprint");
    private static final byte[] SERVICE_TIER = ascii("service_tier");
    private static final byte[] OBFUSCATION = ascii("obfuscation");
    private static final byte[] INDEX = ascii("index");
    private static final byte[] LOGPROBS = ascii("logprobs");
    private static final byte[] FINISH_REASON = ascii("finish_reason");
    private static final byte[] DELTA = ascii("delta");
    private static final byte[] CONTENT = ascii("content");
    private static final byte[] ROLE = ascii("role");
    private static final byte[] REFUSAL = ascii("refusal");
    private static final byte[] REASONING_CONTENT = ascii("reasoning_content");
    private static final byte[] REASONING = ascii("reasoning");
    private static final byte[] TOOL_CALLS = ascii("tool_calls");
    private static final byte[] NULL = ascii("null");
    private static final byte[] TRUE = ascii("true");
    private static final byte[] FALSE = ascii("false");

    private static byte[] ascii(String word) {
        return word.getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] oneBytePerChar(String s) {
        byte[] b = s.getBytes(StandardCharsets.ISO_8859_1); // a plain copy when s is Latin-1, the common case
        if (b.length == s.length()) {
            return b; // every char became one byte: itself, or '?' when unmappable
        }
        // A surrogate pair became a single '?': map char by char to keep positions aligned with s.
        b = new byte[s.length()];
        for (int k = 0; k < b.length; k++) {
            char c = s.charAt(k);
            b[k] = c < 0x100 ? (byte) c : (byte) '?';
        }
        return b;
    }

    /** Returns the content of the chunk ({@code ""} when none), or {@code null} when it is not of the plain shape. */
    static @Nullable String content(String json) {
        try {
            return new ContentChunkScanner(json).chunk();
        } catch (Bail e) {
            return null;
        }
    }

    /**
     * Reads the plain chunks of one stream. Within a stream they differ only in their content ({@code id},
     * {@code created}, {@code model} and the fingerprint repeat) and, from OpenAI, in a random {@code obfuscation}
     * string after it. So after a chunk has been read in full, a chunk with the same text around those two strings
     * needs only the strings read: one JSON string token may replace another without changing whether the document
     * is valid or what else it says. A string with escapes, or any other difference, takes the full scan, which
     * also renews the template.
     *
     * <p>Profiled on the single-stream load scenario: the full scan was the largest cost left on the reading
     * thread; with the template a plain chunk costs a comparison of its fixed text and a scan of its strings.
     */
    static final class Template {
        // up to and including the content string's opening quote; null until known
        private @Nullable String before;
        // from the content's closing quote through the padding's opening quote, or null
        private @Nullable String middle;
        private String after = ""; // after the last free string's closing quote

        /** As {@link ContentChunkScanner#content(String)}, for the next chunk of the stream. */
        @Nullable String content(String json) {
            String b = before;
            if (b != null && json.startsWith(b)) {
                int start = b.length();
                int close = plainStringEnd(json, start);
                if (close >= 0 && restMatches(json, close + 1)) {
                    return json.substring(start, close);
                }
            }
            ContentChunkScanner scanner = new ContentChunkScanner(json);
            String content;
            try {
                content = scanner.chunk();
            } catch (Bail e) {
                return null;
            }
            if (scanner.contentOpen >= 0) {
                before = json.substring(0, scanner.contentOpen + 1);
                int last = scanner.contentClose;
                middle = null;
                if (scanner.paddingOpen > last) {
                    middle = json.substring(last + 1, scanner.paddingOpen + 1);
                    last = scanner.paddingClose;
                }
                after = json.substring(last + 1);
            }
            return content;
        }

        private boolean restMatches(String json, int at) {
            if (middle != null) {
                if (!json.startsWith(middle, at)) {
                    return false;
                }
                int close = plainStringEnd(json, at + middle.length());
                if (close < 0) {
                    return false;
                }
                at = close + 1;
            }
            return json.length() - at == after.length() && json.startsWith(after, at);
        }

        /**
         * The index of the closing quote of a string whose text starts at {@code from} and has no escapes and no
         * control characters (so it is a valid JSON string, and its text is its value), else -1.
         */
        private static int plainStringEnd(String json, int from) {
            for (int k = from, n = json.length(); k < n; k++) {
                char c = json.charAt(k);
                if (c == '"') {
                    return k;
                }
                if (c == '\\' || c < 0x20) {
                    return -1;
                }
            }
            return -1;
        }
    }

    /** Leaves the fast path; carries no stack trace. */
    private static final class Bail extends RuntimeException {
        private static final long serialVersionUID = 1L;
        static final Bail INSTANCE = new Bail();

        private Bail() {
            super(null, null, false, false);
        }
    }

    private static Bail bail() {
        return Bail.INSTANCE;
    }

    private String chunk() {
        ws();
        expect('{');
        String content = "";
        boolean choices = false;
        ws();
        if (peek() != '}') {
            while (true) {
                ws();
                int nameStart = i;
                int nameEnd = plainString();
                ws();
                expect(':');
                ws();
                if (is(nameStart, nameEnd, CHOICES)) {
                    if (choices) {
                        throw bail(); // a duplicate: last one wins in the tree; let it decide
                    }
                    choices = true;
                    content = choicesArray();
                } else if (is(nameStart, nameEnd, USAGE)) {
                    literal(NULL);
                } else if (is(nameStart, nameEnd, OBFUSCATION) && peek() == '"') {
                    int open = i;
                    skipString();
                    paddingOpen = open; // random padding that changes in every chunk: the template leaves it free
                    paddingClose = i - 1;
                } else if (is(nameStart, nameEnd, ID) || is(nameStart, nameEnd, OBJECT)
                        || is(nameStart, nameEnd, CREATED) || is(nameStart, nameEnd, MODEL)
                        || is(nameStart, nameEnd, SYSTEM_FINGERPRINT) || is(nameStart, nameEnd, SERVICE_TIER)
                        || is(nameStart, nameEnd, OBFUSCATION)) {
                    scalar();
                } else {
                    throw bail();
                }
                ws();
                if (peek() == ',') {
                    i++;
                    continue;
                }
                expect('}');
                break;
            }
        } else {
            i++;
        }
        ws();
        if (i != n || !choices) {
            throw bail();
        }
        return content;
    }

    private String choicesArray() {
        expect('[');
        ws();
        if (peek() == ']') {
            i++;
            return "";
        }
        String content = choice();
        ws();
        expect(']'); // a second choice: the full rules
        return content;
    }

    private String choice() {
        expect('{');
        String content = "";
        ws();
        if (peek() == '}') {
            i++;
            return content;
        }
        while (true) {
            ws();
            int a = i;
            int b = plainString();
            ws();
            expect(':');
            ws();
            if (is(a, b, INDEX)) {
                expect('0');
                if (i < n && (isDigit(bs[i]) || bs[i] == '.' || bs[i] == 'e' || bs[i] == 'E')) {
                    throw bail();
                }
            } else if (is(a, b, LOGPROBS) || is(a, b, FINISH_REASON)) {
                literal(NULL);
            } else if (is(a, b, DELTA)) {
                content = delta();
            } else {
                throw bail();
            }
            ws();
            if (peek() == ',') {
                i++;
                continue;
            }
            expect('}');
            return content;
        }
    }

    private String delta() {
        expect('{');
        String content = "";
        ws();
        if (peek() == '}') {
            i++;
            return content;
        }
        while (true) {
            ws();
            int a = i;
            int b = plainString();
            ws();
            expect(':');
            ws();
            boolean isContent = is(a, b, CONTENT);
            if (peek() == 'n') {
                literal(NULL);
                if (!(isContent || is(a, b, ROLE) || is(a, b, REFUSAL) || is(a, b, REASONING_CONTENT)
                        || is(a, b, REASONING) || is(a, b, TOOL_CALLS))) {
                    throw bail();
                }
                if (isContent) {
                    content = "";
                    contentOpen = -1; // a later null wins over an earlier string
                }
            } else if (isContent && peek() == '"') {
                int open = i;
                content = string();
                contentOpen = open;
                contentClose = i - 1;
            } else if (is(a, b, ROLE) && peek() == '"') {
                string();
            } else {
                throw bail();
            }
            ws();
            if (peek() == ',') {
                i++;
                continue;
            }
            expect('}');
            return content;
        }
    }

    /** A string, number, true, false or null; no objects or arrays. */
    private void scalar() {
        byte c = peek();
        switch (c) {
            case '"' -> skipString();
            case 't' -> literal(TRUE);
            case 'f' -> literal(FALSE);
            case 'n' -> literal(NULL);
            default -> number();
        }
    }

    private void number() {
        int start = i;
        if (peek() == '-') {
            i++;
        }
        byte c = peek();
        if (c == '0') {
            i++;
        } else if (c >= '1' && c <= '9') {
            while (i < n && isDigit(bs[i])) {
                i++;
            }
        } else {
            throw bail();
        }
        if (i < n && bs[i] == '.') {
            i++;
            digits();
        }
        if (i < n && (bs[i] == 'e' || bs[i] == 'E')) {
            i++;
            if (i < n && (bs[i] == '+' || bs[i] == '-')) {
                i++;
            }
            digits();
        }
        if (i - start > MAX_NUMBER) {
            throw bail();
        }
    }

    private static boolean isDigit(byte b) {
        return b >= '0' && b <= '9';
    }

    private void digits() {
        int start = i;
        while (i < n && isDigit(bs[i])) {
            i++;
        }
        if (i == start) {
            throw bail();
        }
    }

    private void literal(byte[] word) {
        int len = word.length;
        if (i + len > n) {
            throw bail();
        }
        for (int k = 0; k < len; k++) {
            if (bs[i + k] != word[k]) {
                throw bail();
            }
        }
        i += len;
    }

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class,
            ByteOrder.LITTLE_ENDIAN);
    private static final long ONES = 0x0101010101010101L;
    private static final long HIGHS = 0x8080808080808080L;
    private static final long QUOTES = 0x2222222222222222L;
    private static final long BACKSLASHES = 0x5C5C5C5C5C5C5C5CL;
    private static final long SPACES = 0x2020202020202020L;

    /**
     * Returns the index of the first quote, backslash or control character (below 0x20) in
     * {@code bs[from, n)}, or {@code n}. Eight bytes at a time: {@code (x - ONES) & ~x & HIGHS} flags the bytes
     * of {@code x} that are zero (XOR turns a match into zero), {@code (w - SPACES) & ~w & HIGHS} those below
     * 0x20; either test can also flag bytes above a true hit (a borrow), never below one, so the lowest flag of
     * the three is exact. Bytes of 0x80 and above (Latin-1 letters, or '?') are never flagged.
     */
    private int stringStop(int from) {
        byte[] b = bs;
        int k = from;
        int end = n;
        while (k + 8 <= end) {
            long w = (long) LONGS.get(b, k);
            long q = w ^ QUOTES;
            long e = w ^ BACKSLASHES;
            long hits = ((q - ONES) & ~q | (e - ONES) & ~e | (w - SPACES) & ~w) & HIGHS;
            if (hits != 0) {
                return k + (Long.numberOfTrailingZeros(hits) >>> 3);
            }
            k += 8;
        }
        while (k < end) {
            byte c = b[k];
            if (c == '"' || c == '\\' || (c >= 0 && c < 0x20)) {
                return k;
            }
            k++;
        }
        return end;
    }

    /** Reads a string without escapes (a field name); returns the end of its text, after which the quote was. */
    private int plainString() {
        expect('"');
        int k = stringStop(i);
        if (k == n || bs[k] != '"') {
            throw bail();
        }
        i = k + 1;
        return k;
    }

    private void skipString() {
        readString(false); // the value is not needed, but the string, escapes included, must be valid
    }

    /** Reads a JSON string and returns its value, decoding the escapes JSON allows. */
    private String string() {
        return readString(true);
    }

    /** Reads a JSON string; returns its value if {@code value}, else {@code null} unless it had escapes. */
    private @Nullable String readString(boolean value) {
        expect('"');
        int start = i;
        int k = stringStop(start);
        if (k == n || bs[k] < 0x20 && bs[k] >= 0) {
            throw bail();
        }
        if (bs[k] == '"') {
            i = k + 1;
            return value ? s.substring(start, k) : null;
        }
        i = k;
        return escaped(start);
    }

    /** Decodes the rest of a string from its first escape at {@code i}; the text before it starts at {@code start}. */
    private String escaped(int start) {
        StringBuilder b = new StringBuilder(i - start + 16).append(s, start, i);
        while (i < n) {
            int k = stringStop(i);
            b.append(s, i, k); // the plain run, from s: its chars, not the byte view's '?'
            i = k;
            if (i >= n) {
                break;
            }
            byte c = bs[i++];
            if (c == '"') {
                return b.toString();
            }
            if (c != '\\') {
                throw bail(); // a control character
            }
            if (i >= n) {
                throw bail();
            }
            byte e = bs[i++];
            switch (e) {
                case '"', '\\', '/' -> b.append((char) e);
                case 'b' -> b.append('\b');
                case 'f' -> b.append('\f');
                case 'n' -> b.append('\n');
                case 'r' -> b.append('\r');
                case 't' -> b.append('\t');
                case 'u' -> {
                    if (i + 4 > n) {
                        throw bail();
                    }
                    int v = 0;
                    for (int k2 = 0; k2 < 4; k2++) {
                        int d = hex(bs[i++]);
                        if (d < 0) {
                            throw bail();
                        }
                        v = v * 16 + d;
                    }
                    b.append((char) v);
                }
                default -> throw bail();
            }
        }
        throw bail();
    }

    private static int hex(byte c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    }

    /** Whether the field name read from {@code start} (its opening quote) to {@code end} is {@code name}. */
    private boolean is(int start, int end, byte[] name) {
        int len = name.length;
        if (end - start - 1 != len) {
            return false;
        }
        byte[] a = bs;
        for (int k = 0, at = start + 1; k < len; k++, at++) {
            if (a[at] != name[k]) {
                return false;
            }
        }
        return true;
    }

    private byte peek() {
        if (i >= n) {
            throw bail();
        }
        return bs[i];
    }

    private void expect(char c) {
        if (i >= n || bs[i] != c) {
            throw bail();
        }
        i++;
    }

    private void ws() {
        while (i < n) {
            byte c = bs[i];
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
                return;
            }
            i++;
        }
    }
}
