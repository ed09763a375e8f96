package io.synapsekit.examples.offline;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits text into model-like tokens: a word keeps the spaces before it, long words break into pieces of at most
 * eight characters, punctuation and line breaks stand alone. Joining the tokens gives the text back exactly.
 */
final class Tokens {

    private static final int MAX_WORD_PIECE = 8;

    private Tokens() {
    }

    static List<String> split(String text) {
        List<String> tokens = new ArrayList<>();
        int i = 0;
        int n = text.length();
        while (i < n) {
            int start = i;
            while (i < n && text.charAt(i) == ' ') {
                i++;
            }
            if (i == n) {
                tokens.add(text.substring(start));
                break;
            }
            int c = text.codePointAt(i);
            if (Character.isLetterOrDigit(c)) {
                int pieceStart = i;
                while (i < n && Character.isLetterOrDigit(text.codePointAt(i))
                        && i - pieceStart < MAX_WORD_PIECE) {
                    i += Character.charCount(text.codePointAt(i));
                }
            } else if (c == '\n') {
                while (i < n && text.charAt(i) == '\n') {
                    i++;
                }
            } else {
                i += Character.charCount(c);
            }
            tokens.add(text.substring(start, i));
        }
        return tokens;
    }
}
