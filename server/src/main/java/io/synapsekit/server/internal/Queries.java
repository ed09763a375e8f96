package io.synapsekit.server.internal;

import org.jspecify.annotations.Nullable;

/**
 * The rule for a question that arrives over the wire, shared by the server module's WebSocket protocols and the
 * servlet adapters. Internal: exported only to SynapseKit's own modules, not an API.
 */
public final class Queries {

    private Queries() {
    }

    /** Returns what is wrong with {@code query}, or {@code null} when it can be answered. */
    public static @Nullable String problem(String query, int maxChars) {
        if (query.isBlank()) {
            return "empty query";
        }
        if (query.length() > maxChars) {
            return "query too long: " + query.length() + " characters, at most " + maxChars;
        }
        return null;
    }
}
