package io.synapsekit.server.agui;

import io.synapsekit.graph.GraphException;
import io.synapsekit.graph.NodeFailedException;
import io.synapsekit.llm.LLMException;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * What a {@code RUN_ERROR} tells the client: a message safe to show and a short code.
 *
 * <p>SynapseKit's own messages (an {@link LLMException}'s: provider, status and the provider's own text; a graph's
 * step limit or unknown route) never carry a key or a stack and are passed on. Anything else (an exception thrown
 * by application code, which may reveal internals) is shown as "the run failed" with the node it failed in; the
 * server log has the detail.
 */
final class AgUiErrors {

    private static final int MAX_MESSAGE = 500;

    private AgUiErrors() {
    }

    static String message(Throwable error) {
        LLMException llm = llmCause(error);
        String message;
        if (error instanceof NodeFailedException failed) {
            String node = failed.node().map(n -> "node '" + n + "' failed").orElse("a node failed");
            message = llm == null ? node : node + ": " + llm.getMessage();
        } else if (error instanceof GraphException graph) {
            message = llm == null ? graph.getMessage() : llm.getMessage();
        } else if (llm != null) {
            message = llm.getMessage();
        } else {
            message = "the run failed";
        }
        if (message == null || message.isBlank()) {
            message = "the run failed";
        }
        return message.length() > MAX_MESSAGE ? message.substring(0, MAX_MESSAGE) + "…" : message;
    }

    /** Returns {@code rate_limit} for a {@code RateLimitException}, and so on; {@code run_failed} otherwise. */
    static String code(Throwable error) {
        LLMException llm = llmCause(error);
        Throwable named = llm != null ? llm : error instanceof GraphException ? error : null;
        if (named == null) {
            return "run_failed";
        }
        String simple = named.getClass().getSimpleName().replaceFirst("Exception$", "");
        if (simple.isEmpty()) {
            return "run_failed";
        }
        return simple.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase(Locale.ROOT);
    }

    private static @Nullable LLMException llmCause(Throwable error) {
        int depth = 0;
        for (Throwable t = error; t != null && depth < 20; t = t.getCause(), depth++) {
            if (t instanceof LLMException e) {
                return e;
            }
        }
        return null;
    }
}
