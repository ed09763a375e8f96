package io.synapsekit.rag.retrieval;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Turns text into index terms, for any script.
 *
 * <p>Text is NFKC-normalised (so full-width letters and ligatures match their plain forms) and lower-cased
 * with {@link Locale#ROOT} (so a Turkish default locale does not change {@code I}); terms are runs of letters
 * and digits. Han, Hiragana and Katakana have no spaces between words, and Korean attaches particles to its
 * words, so each Han, kana or Hangul character is a term of its own. A short list of English function words is dropped, and a plural {@code s} is folded, which
 * helps BM25 without a stemmer.
 *
 * <p>Stateless and thread-safe.
 */
final class Tokenizer {

    private static final Set<String> STOPWORDS = Set.of(
            "a", "an", "and", "are", "as", "at", "be", "by", "do", "does", "did", "for", "from", "how", "in",
            "is", "it", "its", "of", "on", "or", "that", "the", "this", "to", "was", "were", "what", "when",
            "where", "which", "who", "whom", "why", "with", "has", "have", "had", "can", "into", "than");

    private Tokenizer() {
    }

    static List<String> terms(String text) {
        // NFKC leaves ASCII unchanged, and most text is ASCII: skip the normaliser's work for it.
        String normal = (isAscii(text) ? text : Normalizer.normalize(text, Normalizer.Form.NFKC))
                .toLowerCase(Locale.ROOT);
        List<String> out = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        for (int i = 0; i < normal.length(); ) {
            int cp = normal.codePointAt(i);
            i += Character.charCount(cp);
            if (isIdeographic(cp)) {
                flush(word, out);
                out.add(new String(Character.toChars(cp)));
            } else if (Character.isLetterOrDigit(cp) || Character.getType(cp) == Character.NON_SPACING_MARK
                    || Character.getType(cp) == Character.COMBINING_SPACING_MARK) {
                word.appendCodePoint(cp); // marks belong to their letter (Devanagari, Thai, ...)
            } else {
                flush(word, out);
            }
        }
        flush(word, out);
        return out;
    }

    private static void flush(StringBuilder word, List<String> out) {
        if (word.isEmpty()) {
            return;
        }
        String w = word.toString();
        word.setLength(0);
        if (STOPWORDS.contains(w)) {
            return;
        }
        int n = w.length();
        if (n > 3 && w.charAt(n - 1) == 's' && w.charAt(n - 2) != 's' && w.charAt(n - 2) != 'u'
                && w.charAt(n - 2) != 'i') {
            w = w.substring(0, n - 1); // "planets" -> "planet"; "glass", "status", "analysis" stay
        }
        out.add(w);
    }

    private static boolean isAscii(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) >= 0x80) {
                return false;
            }
        }
        return true;
    }

    private static boolean isIdeographic(int cp) {
        Character.UnicodeScript s = Character.UnicodeScript.of(cp);
        return s == Character.UnicodeScript.HAN || s == Character.UnicodeScript.HIRAGANA
                || s == Character.UnicodeScript.KATAKANA || s == Character.UnicodeScript.HANGUL;
    }
}
