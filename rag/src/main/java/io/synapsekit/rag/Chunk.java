package io.synapsekit.rag;

import java.util.Map;
import java.util.Objects;

/**
 * A piece of a {@link Document}: the unit that is indexed, retrieved and shown to the model. Immutable.
 *
 * @param id unique within an index: the document id, {@code '#'} and the chunk's position
 * @param documentId the id of the document it was cut from
 * @param text the content
 * @param metadata the document's metadata; never {@code null}
 */
public record Chunk(String id, String documentId, String text, Map<String, String> metadata) {

    public Chunk {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(documentId, "documentId");
        Objects.requireNonNull(text, "text");
        metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
    }

    /** Returns the source named in the metadata ({@value Document#SOURCE}), else the document id. */
    public String source() {
        return metadata.getOrDefault(Document.SOURCE, documentId);
    }
}
