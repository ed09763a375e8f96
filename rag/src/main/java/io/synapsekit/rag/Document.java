package io.synapsekit.rag;

import java.util.Map;
import java.util.Objects;

/**
 * A text to index, with an id and metadata that travel with every chunk cut from it. Immutable.
 *
 * <p>The metadata key {@value #SOURCE} names where the text came from; it is shown to the model beside each
 * retrieved chunk and defaults to the id.
 *
 * @param id identifies the document; chunk ids are derived from it
 * @param text the content
 * @param metadata string attributes, copied; never {@code null}
 */
public record Document(String id, String text, Map<String, String> metadata) {

    /** The metadata key that names a document's source (a file path, a URL, a title). */
    public static final String SOURCE = "source";

    public Document {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(text, "text");
        if (id.isBlank()) {
            throw new IllegalArgumentException("document id must not be blank");
        }
        metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
    }

    /** Returns a document without metadata. */
    public static Document of(String id, String text) {
        return new Document(id, text, Map.of());
    }

    /** Returns the source named in the metadata, else the id. */
    public String source() {
        return metadata.getOrDefault(SOURCE, id);
    }
}
