package io.synapsekit.llm;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;

/**
 * Text that one thread appends to and any thread may read at any time, always as a prefix of what was appended.
 *
 * <p>A {@link StringBuilder} read while another thread appends can be torn: it may be seen with its new length
 * and its old, shorter array (padding with NULs), or with a coding changed under it. Here the writer publishes
 * each state with release stores, the array (when it grows) before the length, and a reader loads the length
 * before the array with acquire loads: whatever array it then sees holds at least that many chars. Appends never
 * change chars below the length. An append costs what a builder's does plus plain stores on the platforms in use,
 * with no lock; a read copies the chars.
 *
 * <p>Exactly one thread may call {@link #append}; any thread may call {@link #toString} and {@link #length}.
 */
final class PublishedText {

    private static final VarHandle CHARS;
    private static final VarHandle LENGTH;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            CHARS = lookup.findVarHandle(PublishedText.class, "chars", char[].class);
            LENGTH = lookup.findVarHandle(PublishedText.class, "length", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private char[] chars = new char[0]; // replaced, never shrunk, by the writer; published with release
    private int length; // written only by the writer; published with release

    /** Appends {@code text}. Only the one writing thread calls this. */
    void append(String text) {
        int n = length; // the writer's own field: a plain load sees its own last store
        int grown = n + text.length();
        char[] c = chars;
        if (grown > c.length) {
            c = Arrays.copyOf(c, Math.max(grown, Math.max(64, c.length * 2)));
            CHARS.setRelease(this, c); // before the length that needs it
        }
        text.getChars(0, text.length(), c, n);
        LENGTH.setRelease(this, grown);
    }

    /** Returns how many chars have been published. */
    int length() {
        return (int) LENGTH.getAcquire(this);
    }

    /** Returns the text appended so far, as of some moment during the call. */
    @Override
    public String toString() {
        int n = (int) LENGTH.getAcquire(this);
        if (n == 0) {
            return "";
        }
        char[] c = (char[]) CHARS.getAcquire(this); // at least as new as the array that held n chars
        return new String(c, 0, n);
    }
}
