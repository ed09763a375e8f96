package io.synapsekit.graph;

import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Settings of {@link GraphStreams#sseStream(CompiledGraph, java.util.Map, SseOptions)}: the keep-alive interval,
 * whether to send node events, and which nodes' tokens to send.
 *
 * <p>Immutable and thread-safe.
 *
 * <pre>{@code
 * SseOptions options = SseOptions.builder().keepAlive(Duration.ofSeconds(10)).nodeEvents(true).build();
 * }</pre>
 */
public final class SseOptions {

    /** The keep-alive interval unless set: 15 seconds. */
    public static final Duration DEFAULT_KEEP_ALIVE = Duration.ofSeconds(15);

    private static final SseOptions DEFAULTS = new Builder().build();

    private final Duration keepAlive;
    private final boolean nodeEvents;
    private final Set<String> tokenNodes;

    private SseOptions(Builder b) {
        this.keepAlive = b.keepAlive;
        this.nodeEvents = b.nodeEvents;
        this.tokenNodes = b.tokenNodes == null ? null : Set.copyOf(b.tokenNodes);
    }

    /** Returns the defaults: keep-alive every 15 s of silence, no node events, tokens of the final LLM nodes. */
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
        b.keepAlive = keepAlive;
        b.nodeEvents = nodeEvents;
        b.tokenNodes = tokenNodes == null ? null : new LinkedHashSet<>(tokenNodes);
        return b;
    }

    /** Returns how long the stream may stay silent before a keep-alive comment is sent. */
    public Duration keepAlive() {
        return keepAlive;
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
        private Duration keepAlive = DEFAULT_KEEP_ALIVE;
        private boolean nodeEvents;
        private Set<String> tokenNodes;

        private Builder() {
        }

        /** Sets the keep-alive interval; must be positive. */
        public Builder keepAlive(Duration interval) {
            Objects.requireNonNull(interval, "interval");
            if (interval.isNegative() || interval.isZero()) {
                throw new IllegalArgumentException("keepAlive must be positive: " + interval);
            }
            this.keepAlive = interval;
            return this;
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
