package io.synapsekit.servlet;

import io.synapsekit.server.agui.RunAgentInput;
import java.security.Principal;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * One AG-UI run request as an {@link AgUiServlet}'s answer function sees it: the parsed body (thread id, messages,
 * state, tools), the authenticated user and the request headers, read on the container's thread before the
 * answer starts, so the function may run on any thread.
 *
 * <p>The thread id comes from the client and proves nothing: scope anything private by {@link #principal()}.
 * Immutable and thread-safe.
 *
 * @param input the run's input
 * @param principal the authenticated user, or {@code null} when the request is not authenticated
 * @param headers the request headers, names matched without regard to case
 */
public record AgUiRequest(RunAgentInput input, @Nullable Principal principal, Map<String, List<String>> headers) {

    // Explicit rather than compact, so that the nullness of the parameters reaches the class file.
    public AgUiRequest(RunAgentInput input, @Nullable Principal principal, Map<String, List<String>> headers) {
        this.input = Objects.requireNonNull(input, "input");
        this.principal = principal;
        TreeMap<String, List<String>> copy = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        headers.forEach((name, values) -> copy.put(name, List.copyOf(values)));
        this.headers = Collections.unmodifiableMap(copy);
    }

    /** Returns the first value of header {@code name} (any case), if the request had it. */
    public Optional<String> header(String name) {
        List<String> values = headers.get(name);
        return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
    }

    /** Returns the conversation's id, chosen by the client: {@code input().threadId()}. */
    public String threadId() {
        return input.threadId();
    }

    @Override
    public String toString() {
        // Header values may hold credentials (Authorization, Cookie): names only.
        return "AgUiRequest[threadId=" + input.threadId() + ", runId=" + input.runId() + ", principal="
                + (principal == null ? null : principal.getName()) + ", headers=" + headers.keySet() + "]";
    }
}
