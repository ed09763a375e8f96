package io.synapsekit.graph;

import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Settings of {@link GraphStreams#sseStream(CompiledGraph, java.util.Map, SseOptions)}: whether to send node events,
 * and which nodes' tokens to send. Keep-alives, ids and the final {@code [DONE]} are the server's to add, so they
 * are not set here.
 *
 * <p>Immutable and thread-safe.
 *
 * <pre>{@code
 * SseOptions options = SseOptions.builder().nodeEvents(true).tokenNodes(Set.of("summarize")).build();
 * }</pre>
 */
public final class SseOptions {

    private static final SseOptions DEFAULTS = new Builder().build();

    private final boolean nodeEvents;
    private final @Nullable Set<String> tokenNodes;

    private SseOptions(Builder b) {
        this.nodeEvents = b.nodeEvents;
        this.tokenNodes = b.tokenNodes == null ? null : Set.copyOf(b.tokenNodes);
    }

    /** Returns the defaults: no node events, tokens of the final LLM nodes. */
    public static SseOptions defaults() {
        return DEFAULTS;
    }

    /** Returns a builder holding the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** Returns a builder holding these options. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.nodeEvents = nodeEvents;
        b.tokenNodes = tokenNodes == null ? null : new LinkedHashSet<>(tokenNodes);
        return b;
    }

    /** Returns whether an {@code event: node} is sent as each node finishes. */
    public boolean nodeEvents() {
        return nodeEvents;
    }

    /** Returns the nodes whose tokens are sent, when chosen; empty means the final LLM nodes. */
    public Optional<Set<String>> tokenNodes() {
        return Optional.ofNullable(tokenNodes);
    }

    /** A builder of {@link SseOptions}; not thread-safe. */
    public static final class Builder {
        private boolean nodeEvents;
        private @Nullable Set<String> tokenNodes;

        private Builder() {
        }

        /** Sets whether to send an {@code event: node} with {@code {"node":…,"update":…}} as each node finishes. */
        public Builder nodeEvents(boolean send) {
            this.nodeEvents = send;
            return this;
        }

        /** Sends the tokens of these nodes instead of the final LLM nodes'. */
        public Builder tokenNodes(Set<String> nodes) {
            this.tokenNodes = new LinkedHashSet<>(Objects.requireNonNull(nodes, "nodes"));
            return this;
        }

        /** Returns the options. */
        public SseOptions build() {
            return new SseOptions(this);
        }
    }
}
