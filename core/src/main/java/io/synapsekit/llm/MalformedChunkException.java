package io.synapsekit.llm;

import org.jspecify.annotations.Nullable;

/** Thrown when the provider sends a chunk that cannot be decoded. The message quotes it, cut to 200 characters. */
public final class MalformedChunkException extends LLMException {

    private final String chunk;

    /** Creates the error with everything delivered before it. */
    public MalformedChunkException(String provider, String message, String chunk,
            @Nullable PartialResult partial, @Nullable Throwable cause) {
        super(provider, 0, message + ": " + quote(chunk), partial, cause);
        this.chunk = chunk;
    }

    /** Returns the offending chunk, cut to 200 characters. */
    public String chunk() {
        return cut(chunk);
    }

    static String cut(String text) {
        if (text == null) {
            return "";
        }
        return text.length() <= 200 ? text : text.substring(0, 200) + "…";
    }

    private static String quote(String text) {
        return '"' + cut(text).replace("\n", "\\n").replace("\r", "\\r") + '"';
    }
}
