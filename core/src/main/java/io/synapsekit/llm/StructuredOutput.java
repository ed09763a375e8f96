package io.synapsekit.llm;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.synapsekit.internal.json.IncrementalJsonReader;
import io.synapsekit.internal.json.RecordSchema;
import io.synapsekit.stream.CloseableIterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Structured output of one record type: the response schema sent to the model, the answer text picked from its
 * events (the answer tokens, or the input of the forced tool that Anthropic answers through), and the binding of
 * that JSON to the record, whole or as partial objects. Immutable and thread-safe.
 *
 * @param <T> the record type
 */
final class StructuredOutput<T extends Record> {

    private final Class<T> type;
    private final RecordSchema schema;
    private final ResponseSchema responseSchema;

    private StructuredOutput(Class<T> type) {
        this.type = type;
        this.schema = RecordSchema.of(type);
        String name = type.getSimpleName().replaceAll("[^A-Za-z0-9_-]", "_");
        this.responseSchema = new ResponseSchema(name.isEmpty() ? "answer"
                : name.substring(0, Math.min(64, name.length())), schema.text());
    }

    /**
     * Returns the structured output of {@code type}.
     *
     * @throws IllegalArgumentException when a component's type has no JSON Schema, naming it
     */
    static <T extends Record> StructuredOutput<T> of(Class<T> type) {
        return new StructuredOutput<>(Objects.requireNonNull(type, "type"));
    }

    /** Returns the response schema sent to the model. */
    ResponseSchema responseSchema() {
        return responseSchema;
    }

    /** Returns {@code options} asking for this schema. */
    GenerateOptions options(GenerateOptions options) {
        return options.toBuilder().responseSchema(responseSchema).build();
    }

    /** Asks {@code llm} and returns the whole answer as a validated record, parsed once at the end. */
    T generate(LLM llm, List<ChatMessage> messages, GenerateOptions options) {
        Answer answer = new Answer();
        try (CloseableIterator<LLMEvent> events = llm.eventIterator(messages, options(options))) {
            while (events.hasNext()) {
                answer.accept(events.next());
            }
        }
        answer.checkNotRefused();
        JsonNode tree;
        try {
            tree = RecordSchema.parse(answer.raw());
        } catch (JsonProcessingException e) {
            throw new StructuredOutputException("the answer is not JSON: " + e.getOriginalMessage()
                    + answer.finishNote(), answer.raw(), false, e);
        }
        return validated(tree, answer.raw());
    }

    /**
     * Returns the partial records of {@code events}' answer, one each time a value completes, then the whole
     * answer validated; closing the iterator closes {@code events}.
     */
    CloseableIterator<T> partials(CloseableIterator<LLMEvent> events) {
        return new Partials(events);
    }

    private T validated(JsonNode tree, String raw) {
        String violation = schema.violation(tree);
        if (violation != null) {
            throw new StructuredOutputException("the answer does not follow the schema of " + type.getSimpleName()
                    + ": " + violation, raw, false, null);
        }
        try {
            return schema.bind(tree, type);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw new StructuredOutputException("the answer does not bind to " + type.getSimpleName() + ": "
                    + (e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage()), raw, false,
                    e);
        }
    }

    /** The answer's JSON text as it arrives, from the tokens or from the forced tool's arguments. */
    private final class Answer {
        private final StringBuilder text = new StringBuilder();
        private final StringBuilder toolInput = new StringBuilder();
        private final StringBuilder refusal = new StringBuilder();
        private int toolIndex = -1;
        private boolean toolSeen;
        private String finishReason = "";

        /** Takes one event; returns the piece of answer JSON it carried, or {@code null}. */
        @Nullable String accept(LLMEvent event) {
            switch (event) {
                case LLMEvent.Token t -> {
                    text.append(t.text());
                    return toolSeen ? null : t.text();
                }
                case LLMEvent.ToolCallDelta d -> {
                    if (responseSchema.name().equals(d.name())) {
                        toolIndex = d.index();
                    }
                    if (d.index() == toolIndex) {
                        toolSeen = true;
                        toolInput.append(d.argumentsDelta());
                        return d.argumentsDelta();
                    }
                }
                case LLMEvent.ToolCall c -> {
                    // Providers that send whole calls (no deltas) give the input here.
                    if (responseSchema.name().equals(c.name()) && toolIndex < 0) {
                        toolIndex = c.index();
                        toolSeen = true;
                        toolInput.append(c.arguments());
                        return c.arguments();
                    }
                }
                case LLMEvent.Refusal r -> refusal.append(r.text());
                case LLMEvent.Finish f -> finishReason = f.reason();
                default -> { }
            }
            return null;
        }

        String raw() {
            return toolSeen ? toolInput.toString() : text.toString();
        }

        void checkNotRefused() {
            if (!refusal.isEmpty()) {
                throw new StructuredOutputException("the model refused", refusal.toString(), true, null);
            }
        }

        String finishNote() {
            return finishReason.isEmpty() ? "" : " (finish reason " + finishReason + ")";
        }
    }

    /** Partial records, read on the caller's thread as the events arrive. */
    private final class Partials implements CloseableIterator<T> {
        private final CloseableIterator<LLMEvent> events;
        private final Answer answer = new Answer();
        private final IncrementalJsonReader reader = new IncrementalJsonReader();
        private long emittedVersion;
        private boolean finished;
        private @Nullable T next;

        Partials(CloseableIterator<LLMEvent> events) {
            this.events = events;
        }

        @Override
        public boolean hasNext() {
            if (next != null) {
                return true;
            }
            if (finished) {
                return false;
            }
            try {
                while (events.hasNext()) {
                    String piece = answer.accept(events.next());
                    if (piece == null || piece.isEmpty()) {
                        continue;
                    }
                    try {
                        reader.feed(piece);
                    } catch (IllegalArgumentException e) {
                        throw new StructuredOutputException("the answer is not JSON: " + e.getMessage(), answer.raw(),
                                false, e);
                    }
                    // The closing brace completes the whole: that one is validated and sent at the end.
                    if (reader.version() > emittedVersion && !reader.isComplete()) {
                        emittedVersion = reader.version();
                        T partial = partial();
                        if (partial != null) {
                            next = partial;
                            return true;
                        }
                    }
                }
                finished = true;
                answer.checkNotRefused();
                JsonNode root = reader.root();
                if (!reader.isComplete() || root == null) {
                    throw new StructuredOutputException("the answer ended before its JSON did"
                            + answer.finishNote(), answer.raw(), false, null);
                }
                next = validated(root, answer.raw());
                close();
                return true;
            } catch (RuntimeException e) {
                finished = true;
                close();
                throw e;
            }
        }

        /**
         * Returns the tree so far as a record, or {@code null} when it does not bind yet (a record whose constructor
         * rejects a missing component): the next completed value may make it bind.
         */
        private @Nullable T partial() {
            try {
                return schema.bind(reader.root(), type);
            } catch (JsonProcessingException | IllegalArgumentException e) {
                return null;
            }
        }

        @Override
        public T next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            T t = next;
            next = null;
            return t;
        }

        @Override
        public void close() {
            events.close();
        }
    }
}
