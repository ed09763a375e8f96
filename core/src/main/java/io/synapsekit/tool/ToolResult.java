package io.synapsekit.tool;

import java.util.Objects;

/**
 * What a tool call produced, as sent back to the model: its result, or an error the model can act on.
 *
 * @param content the result (JSON or text), or the error message
 * @param error whether the call failed: bad arguments, or a body that threw
 */
public record ToolResult(String content, boolean error) {

    public ToolResult {
        Objects.requireNonNull(content, "content");
    }

    /** Returns a successful result. */
    public static ToolResult success(String content) {
        return new ToolResult(content, false);
    }

    /** Returns a failed call's error message, for the model to read. */
    public static ToolResult error(String message) {
        return new ToolResult(message, true);
    }
}
