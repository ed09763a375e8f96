package io.synapsekit.graph;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A saved point of one thread's runs: the state after a wave, the nodes of the wave to run next, the updates of
 * the branches of that wave that already finished, and, when the run paused there, why.
 *
 * <p>A thread's checkpoints form a line of versions 1, 2, 3…; the newest is the thread's head, which a resumed
 * run continues. {@link #parentId()} names the checkpoint this one was derived from: the previous head, or the
 * older checkpoint a {@linkplain CompiledGraph#fork fork} went back to. State values are JSON values (maps,
 * lists, strings, numbers, booleans, {@code null}) as Jackson reads them, so a run sees the same values whether
 * it was resumed or not.
 *
 * <p>Immutable and thread-safe; {@link #toJson()} and {@link #fromJson(String)} are the one encoding every
 * {@link Checkpointer} stores.
 *
 * @param threadId the thread this checkpoint belongs to
 * @param id this checkpoint's id, unique within its thread
 * @param parentId the checkpoint it was derived from, or {@code null} for a thread's first
 * @param version its position in the thread: 1 for the first, the head's version plus one for each new one
 * @param step how many waves the thread had run when it was taken
 * @param state the state: unmodifiable, in insertion order
 * @param next the nodes of the next wave, in order; empty when the run ended
 * @param writes the updates of the nodes of {@code next} that already finished, by node: a resumed run does not
 *     run them again
 * @param pause why the run paused here, or {@code null} when it did not
 * @param answers the values given to {@link Interrupt#ask} in the nodes of {@code next}, by node, in the order
 *     of their calls
 * @param createdAt when it was taken
 */
public record Checkpoint(String threadId, String id, @Nullable String parentId, long version, int step,
        Map<String, @Nullable Object> state, List<String> next,
        Map<String, Map<String, @Nullable Object>> writes, @Nullable Pause pause,
        Map<String, List<@Nullable Object>> answers, Instant createdAt) {

    /** Why a paused run stopped where it did. */
    public enum PauseKind {
        /** Before a node named by {@link CompiledGraph#interruptBefore}. */
        BEFORE,
        /** A node called {@link Interrupt#ask}; it runs again, from its start, when the run is resumed. */
        ASK,
        /** After a node named by {@link CompiledGraph#interruptAfter}. */
        AFTER
    }

    /**
     * A pause: the node it concerns, why, and what the node asked (for {@link PauseKind#ASK}; else {@code null}).
     *
     * @param node the node the run paused at
     * @param kind why it paused
     * @param payload the value given to {@link Interrupt#ask}, as a JSON value, or {@code null}
     */
    public record Pause(String node, PauseKind kind, @Nullable Object payload) {
        public Pause {
            Objects.requireNonNull(node, "node");
            Objects.requireNonNull(kind, "kind");
        }
    }

    // Explicit rather than compact, as NodeUpdate's: so that the parameters' nullness reaches the class file.
    public Checkpoint(String threadId, String id, @Nullable String parentId, long version, int step,
            Map<String, @Nullable Object> state, List<String> next,
            Map<String, Map<String, @Nullable Object>> writes, @Nullable Pause pause,
            Map<String, List<@Nullable Object>> answers, Instant createdAt) {
        this.threadId = requireText(threadId, "threadId");
        this.id = requireText(id, "id");
        this.parentId = parentId;
        if (version < 1) {
            throw new IllegalArgumentException("checkpoint version must be at least 1: " + version);
        }
        this.version = version;
        if (step < 0) {
            throw new IllegalArgumentException("checkpoint step must not be negative: " + step);
        }
        this.step = step;
        this.state = NodeUpdate.frozen(state);
        this.next = List.copyOf(next);
        Map<String, Map<String, @Nullable Object>> w = new LinkedHashMap<>();
        Objects.requireNonNull(writes, "writes").forEach((node, update) -> w.put(node, NodeUpdate.frozen(update)));
        this.writes = Collections.unmodifiableMap(w);
        this.pause = pause;
        Map<String, List<@Nullable Object>> a = new LinkedHashMap<>();
        Objects.requireNonNull(answers, "answers").forEach((node, values) ->
                a.put(node, Collections.unmodifiableList(new ArrayList<>(values))));
        this.answers = Collections.unmodifiableMap(a);
        this.createdAt = Objects.requireNonNull(createdAt, "createdAt");
    }

    /** Returns whether a run of this thread is unfinished here: it paused, failed or was stopped mid-way. */
    public boolean resumable() {
        return !next.isEmpty();
    }

    /** Returns a copy with {@code update} added to {@link #writes()} as the finished update of {@code node}. */
    public Checkpoint withWrite(String node, Map<String, @Nullable Object> update) {
        Map<String, Map<String, @Nullable Object>> w = new LinkedHashMap<>(writes);
        w.put(Objects.requireNonNull(node, "node"), update);
        return new Checkpoint(threadId, id, parentId, version, step, state, next, w, pause, answers, createdAt);
    }

    /**
     * Returns this checkpoint as one JSON object, the form checkpointers store.
     *
     * @throws StateSerializationException when a value cannot be written as JSON; names the key
     */
    public String toJson() {
        return CheckpointJson.write(this);
    }

    /**
     * Reads a checkpoint written by {@link #toJson()}.
     *
     * @throws IllegalArgumentException when {@code json} is not such a checkpoint; says what is wrong
     */
    public static Checkpoint fromJson(String json) {
        return CheckpointJson.read(json);
    }

    private static String requireText(String value, String what) {
        Objects.requireNonNull(value, what);
        if (value.isBlank()) {
            throw new IllegalArgumentException(what + " must not be blank");
        }
        return value;
    }
}
