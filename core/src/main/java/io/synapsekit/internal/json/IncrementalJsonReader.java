package io.synapsekit.internal.json;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ContainerNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * A JSON reader fed in pieces of any size that keeps, at every moment, the tree of the values completed so far: a
 * container appears as soon as it opens, a string, number or literal once it has ended. Each character is read
 * once, so reading a whole document costs about what one parse does, however finely it is cut; nothing is parsed
 * twice.
 *
 * <p>{@link #version()} counts completed values, so that a caller can tell whether the tree changed since it last
 * looked. Strict JSON (RFC 8259): anything else is an {@link IllegalArgumentException} naming the offset and the
 * character. Not thread-safe: one thread feeds and reads.
 */
public final class IncrementalJsonReader {

    /** The deepest nesting read, as {@code internal.Json} allows. */
    static final int MAX_NESTING_DEPTH = 200;
    /** The most characters of one number: longer ones only cost superlinear parsing. */
    static final int MAX_NUMBER_LENGTH = 100;

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final Pattern NUMBER_SYNTAX = Pattern.compile("-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][-+]?[0-9]+)?");

    private static final int VALUE = 0;
    private static final int ARRAY_FIRST = 1;
    private static final int OBJECT_FIRST = 2;
    private static final int KEY = 3;
    private static final int COLON = 4;
    private static final int AFTER_VALUE = 5;
    private static final int STRING = 6;
    private static final int ESCAPE = 7;
    private static final int UNICODE = 8;
    private static final int NUMBER = 9;
    private static final int LITERAL = 10;
    private static final int DONE = 11;

    private final ArrayList<ContainerNode<?>> stack = new ArrayList<>();
    private final ArrayList<@Nullable String> keys = new ArrayList<>();
    private final StringBuilder buffer = new StringBuilder();
    private @Nullable JsonNode root;
    private int state = VALUE;
    private boolean bufferIsKey;
    private int unicode;
    private int unicodeDigits;
    private long offset;
    private long version;

    /** Returns the tree of the values completed so far, or {@code null} before the first value opens. */
    public @Nullable JsonNode root() {
        return root;
    }

    /** Returns how many values have been completed: it grows each time the tree gains a finished value. */
    public long version() {
        return version;
    }

    /** Returns whether the top-level value has ended. */
    public boolean isComplete() {
        return state == DONE;
    }

    /**
     * Reads the next piece of the document.
     *
     * @throws IllegalArgumentException when the text is not JSON, naming the offset and the character
     */
    public void feed(CharSequence chunk) {
        int n = chunk.length();
        int i = 0;
        while (i < n) {
            char c = chunk.charAt(i);
            switch (state) {
                case STRING -> {
                    // Copy the run up to the next quote or backslash at once: strings are most of the text.
                    int start = i;
                    while (i < n && (c = chunk.charAt(i)) != '"' && c != '\\') {
                        if (c < 0x20) {
                            throw error(c, "a control character inside a string");
                        }
                        i++;
                    }
                    buffer.append(chunk, start, i);
                    offset += i - start;
                    if (i == n) {
                        return;
                    }
                    if (c == '"') {
                        endString();
                    } else {
                        state = ESCAPE;
                    }
                }
                case ESCAPE -> {
                    switch (c) {
                        case '"', '\\', '/' -> buffer.append(c);
                        case 'b' -> buffer.append('\b');
                        case 'f' -> buffer.append('\f');
                        case 'n' -> buffer.append('\n');
                        case 'r' -> buffer.append('\r');
                        case 't' -> buffer.append('\t');
                        case 'u' -> {
                            unicode = 0;
                            unicodeDigits = 0;
                            state = UNICODE;
                            break;
                        }
                        default -> throw error(c, "an escape: one of \" \\ / b f n r t u");
                    }
                    if (state == ESCAPE) {
                        state = STRING;
                    }
                }
                case UNICODE -> {
                    int digit = Character.digit(c, 16);
                    if (digit < 0) {
                        throw error(c, "a hexadecimal digit of a \\u escape");
                    }
                    unicode = unicode * 16 + digit;
                    if (++unicodeDigits == 4) {
                        buffer.append((char) unicode);
                        state = STRING;
                    }
                }
                case NUMBER -> {
                    if ((c >= '0' && c <= '9') || c == '.' || c == 'e' || c == 'E' || c == '-' || c == '+') {
                        if (buffer.length() >= MAX_NUMBER_LENGTH) {
                            throw error(c, "a number of at most " + MAX_NUMBER_LENGTH + " characters");
                        }
                        buffer.append(c);
                    } else {
                        complete(number());
                        continue; // the character after a number is read again, as what follows a value
                    }
                }
                case LITERAL -> {
                    buffer.append(c);
                    String s = buffer.toString();
                    switch (s) {
                        case "true" -> complete(NODES.booleanNode(true));
                        case "false" -> complete(NODES.booleanNode(false));
                        case "null" -> complete(NODES.nullNode());
                        default -> {
                            if (!"true".startsWith(s) && !"false".startsWith(s) && !"null".startsWith(s)) {
                                throw error(c, "true, false or null");
                            }
                        }
                    }
                }
                default -> structural(c);
            }
            i++;
            offset++;
        }
    }

    private void structural(char c) {
        if (c == ' ' || c == '\n' || c == '\r' || c == '\t') {
            return;
        }
        switch (state) {
            case VALUE, ARRAY_FIRST -> {
                if (c == ']' && state == ARRAY_FIRST) {
                    close(c);
                } else {
                    value(c);
                }
            }
            case OBJECT_FIRST, KEY -> {
                if (c == '"') {
                    buffer.setLength(0);
                    bufferIsKey = true;
                    state = STRING;
                } else if (c == '}' && state == OBJECT_FIRST) {
                    close(c);
                } else {
                    throw error(c, state == KEY ? "a property name" : "a property name or '}'");
                }
            }
            case COLON -> {
                if (c != ':') {
                    throw error(c, "':'");
                }
                state = VALUE;
            }
            case AFTER_VALUE -> {
                ContainerNode<?> top = stack.get(stack.size() - 1);
                if (c == ',') {
                    state = top.isArray() ? VALUE : KEY;
                } else if (c == ']' || c == '}') {
                    close(c);
                } else {
                    throw error(c, top.isArray() ? "',' or ']'" : "',' or '}'");
                }
            }
            case DONE -> throw error(c, "nothing after the end of the document");
            default -> throw new IllegalStateException("state " + state);
        }
    }

    private void value(char c) {
        switch (c) {
            case '{' -> open(NODES.objectNode(), OBJECT_FIRST);
            case '[' -> open(NODES.arrayNode(), ARRAY_FIRST);
            case '"' -> {
                buffer.setLength(0);
                bufferIsKey = false;
                state = STRING;
            }
            case 't', 'f', 'n' -> {
                buffer.setLength(0);
                buffer.append(c);
                state = LITERAL;
            }
            default -> {
                if (c == '-' || (c >= '0' && c <= '9')) {
                    buffer.setLength(0);
                    buffer.append(c);
                    state = NUMBER;
                } else {
                    throw error(c, "a value");
                }
            }
        }
    }

    private void open(ContainerNode<?> node, int next) {
        if (stack.size() >= MAX_NESTING_DEPTH) {
            throw new IllegalArgumentException("JSON nested deeper than " + MAX_NESTING_DEPTH + " at offset "
                    + offset);
        }
        attach(node);
        stack.add(node);
        keys.add(null);
        state = next;
    }

    private void close(char c) {
        ContainerNode<?> top = stack.get(stack.size() - 1);
        if (top.isArray() != (c == ']')) {
            throw error(c, top.isArray() ? "',' or ']'" : "',' or '}'");
        }
        stack.remove(stack.size() - 1);
        keys.remove(keys.size() - 1);
        version++;
        state = stack.isEmpty() ? DONE : AFTER_VALUE;
    }

    private void endString() {
        String s = buffer.toString();
        if (bufferIsKey) {
            keys.set(keys.size() - 1, s);
            state = COLON;
        } else {
            complete(NODES.textNode(s));
        }
    }

    private void complete(JsonNode value) {
        attach(value);
        version++;
        state = stack.isEmpty() ? DONE : AFTER_VALUE;
    }

    private void attach(JsonNode value) {
        if (stack.isEmpty()) {
            root = value;
            return;
        }
        ContainerNode<?> top = stack.get(stack.size() - 1);
        if (top instanceof ArrayNode a) {
            a.add(value);
        } else {
            ((ObjectNode) top).set(keys.get(keys.size() - 1), value);
        }
    }

    private JsonNode number() {
        String s = buffer.toString();
        try {
            if (!NUMBER_SYNTAX.matcher(s).matches()) {
                throw new NumberFormatException(s);
            }
            if (s.indexOf('.') < 0 && s.indexOf('e') < 0 && s.indexOf('E') < 0) {
                if (s.length() <= 9) {
                    return NODES.numberNode(Integer.parseInt(s));
                }
                if (s.length() <= 18) {
                    return NODES.numberNode(Long.parseLong(s));
                }
                return NODES.numberNode(new BigInteger(s));
            }
            double d = Double.parseDouble(s);
            return Double.isInfinite(d) ? NODES.numberNode(new BigDecimal(s)) : NODES.numberNode(d);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a JSON number at offset " + (offset - s.length()) + ": " + s, e);
        }
    }

    private IllegalArgumentException error(char c, String expected) {
        String shown = c < 0x20 ? String.format("\\u%04x", (int) c) : String.valueOf(c);
        return new IllegalArgumentException("unexpected '" + shown + "' at offset " + offset + "; expected "
                + expected);
    }
}
