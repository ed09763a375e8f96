package io.synapsekit.llm;

import org.jspecify.annotations.Nullable;

/**
 * A structured answer that cannot be the requested type: the model refused, or its text is not JSON that follows
 * the schema (malformed, cut short, a required property missing, a wrong type). Carries the raw text as received.
 */
public final class StructuredOutputException extends LLMException {

    private static final long serialVersionUID = 1L;

    private final String rawText;
    private final boolean refusal;

    /**
     * Creates the error.
     *
     * @param message what was wrong
     * @param rawText the model's text as received: the JSON so far, or the refusal
     * @param refusal whether the model refused
     * @param cause the parsing or binding failure, or {@code null}
     */
    public StructuredOutputException(String message, String rawText, boolean refusal, @Nullable Throwable cause) {
        super("llm", 0, message + "; raw text: " + clip(rawText), refusal ? new PartialResult("", "", rawText, null,
                null) : PartialResult.ofText(rawText), cause);
        this.rawText = rawText;
        this.refusal = refusal;
    }

    private static String clip(String text) {
        return text.length() <= 200 ? text : text.substring(0, 200) + "…";
    }

    /** Returns the model's text as received: the JSON (or what came of it), or the refusal in its own words. */
    public String rawText() {
        return rawText;
    }

    /** Returns whether the model refused to answer, rather than answering with text that does not fit. */
    public boolean isRefusal() {
        return refusal;
    }
}
