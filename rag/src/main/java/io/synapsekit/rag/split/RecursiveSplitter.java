package io.synapsekit.rag.split;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Splits text into chunks of at most a given number of characters, breaking on paragraphs first, then on
 * sentences, then on words, and cutting inside a word only when one word alone is longer than a chunk.
 *
 * <p>Consecutive chunks share up to {@code chunkOverlap} characters (starting at a word boundary), so that a sentence
 * cut between two chunks is still found whole in one of them. Defaults: 512 characters, 50 overlap.
 *
 * <p>Immutable and thread-safe.
 */
public final class RecursiveSplitter {

    /** The default chunk size, in characters. */
    public static final int DEFAULT_CHUNK_SIZE = 512;
    /** The default overlap between consecutive chunks, in characters. */
    public static final int DEFAULT_CHUNK_OVERLAP = 50;

    // Each separator stays attached to the piece before it, so joining the pieces gives the text back.
    private static final List<Pattern> BREAKS = List.of(
            Pattern.compile("\\n[\\t \\x0B\\f\\r]*\\n\\s*"),                          // paragraphs
            Pattern.compile("[.!?\\u3002\\uFF01\\uFF1F\\u2026]+[\"'\\u201D\\u2019)\\]]*\\s+"), // sentences
            Pattern.compile("\\s+"));                                               // words

    private static final RecursiveSplitter DEFAULTS = new RecursiveSplitter(DEFAULT_CHUNK_SIZE, DEFAULT_CHUNK_OVERLAP);

    private final int chunkSize;
    private final int chunkOverlap;

    private RecursiveSplitter(int chunkSize, int chunkOverlap) {
        this.chunkSize = chunkSize;
        this.chunkOverlap = chunkOverlap;
    }

    /** Returns the splitter with the default chunk size (512) and overlap (50). */
    public static RecursiveSplitter defaults() {
        return DEFAULTS;
    }

    /**
     * Returns a splitter.
     *
     * @param chunkSize the largest chunk, in characters; positive
     * @param chunkOverlap the characters consecutive chunks may share; at least 0 and less than {@code chunkSize}
     * @throws IllegalArgumentException naming the bad value
     */
    public static RecursiveSplitter of(int chunkSize, int chunkOverlap) {
        if (chunkSize <= 0) {
            throw new IllegalArgumentException("chunkSize must be positive: " + chunkSize);
        }
        if (chunkOverlap < 0 || chunkOverlap >= chunkSize) {
            throw new IllegalArgumentException(
                    "chunkOverlap must be at least 0 and less than chunkSize (" + chunkSize + "): " + chunkOverlap);
        }
        return new RecursiveSplitter(chunkSize, chunkOverlap);
    }

    /** Returns the largest chunk, in characters. */
    public int chunkSize() {
        return chunkSize;
    }

    /** Returns the characters consecutive chunks may share. */
    public int chunkOverlap() {
        return chunkOverlap;
    }

    /** Returns the chunks of {@code text}, in order, stripped of surrounding white space; none for blank text. */
    public List<String> split(String text) {
        List<String> pieces = new ArrayList<>();
        pieces(text, 0, pieces);
        return merge(pieces);
    }

    /** Adds the pieces of {@code text}, each at most {@code chunkSize} long, breaking at {@code level} or finer. */
    private void pieces(String text, int level, List<String> out) {
        if (text.length() <= chunkSize) {
            out.add(text);
            return;
        }
        if (level == BREAKS.size()) {
            hardCut(text, out);
            return;
        }
        Matcher m = BREAKS.get(level).matcher(text);
        int start = 0;
        while (m.find()) {
            if (m.end() > start && m.end() < text.length()) {
                pieces(text.substring(start, m.end()), level + 1, out);
                start = m.end();
            }
        }
        pieces(text.substring(start), level + 1, out);
    }

    private void hardCut(String text, List<String> out) {
        int start = 0;
        while (start < text.length()) {
            int end = Math.min(text.length(), start + chunkSize);
            if (end < text.length() && Character.isHighSurrogate(text.charAt(end - 1)) && end - 1 > start) {
                end--; // never split a surrogate pair
            }
            out.add(text.substring(start, end));
            start = end;
        }
    }

    private List<String> merge(List<String> pieces) {
        List<String> chunks = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        boolean fresh = true; // current holds only overlap carried from the previous chunk
        for (String piece : pieces) {
            if (current.length() + piece.length() > chunkSize && !fresh) {
                emit(current, chunks);
                String tail = tail(current);
                current.setLength(0);
                if (tail.length() + piece.length() <= chunkSize) {
                    current.append(tail);
                }
            }
            current.append(piece);
            fresh = piece.isBlank() && fresh;
        }
        if (!fresh) {
            emit(current, chunks);
        }
        return chunks;
    }

    private static void emit(StringBuilder current, List<String> chunks) {
        String chunk = current.toString().strip();
        if (!chunk.isEmpty()) {
            chunks.add(chunk);
        }
    }

    /** The last {@code chunkOverlap} characters of {@code s}, moved forward to start at a word. */
    private String tail(CharSequence s) {
        if (chunkOverlap == 0) {
            return "";
        }
        int from = Math.max(0, s.length() - chunkOverlap);
        if (from > 0 && !Character.isWhitespace(s.charAt(from - 1))) {
            int i = from;
            while (i < s.length() && !Character.isWhitespace(s.charAt(i))) {
                i++;
            }
            from = i; // at the space before the next word, or the end: a partial word is not carried over
        }
        String tail = s.subSequence(from, s.length()).toString().stripLeading();
        return tail.isEmpty() ? "" : tail;
    }
}
