package io.synapsekit.rag;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import io.synapsekit.internal.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The file format of a saved index: JSON, one object per chunk, with its embedding (if any) as base64 of
 * little-endian float32 values, which is exact and about a third the size of decimal text.
 *
 * <pre>{@code
 * {"format":"synapsekit-rag-index","version":1,"chunks":[
 *   {"id":"a#0","documentId":"a","text":"…","metadata":{"source":"a.md"},"vector":"AACAPw…"}]}
 * }</pre>
 */
final class IndexFile {

    static final String FORMAT = "synapsekit-rag-index";
    static final int VERSION = 1;

    /** A chunk as saved: its vector is {@code null} when the index had none. */
    record Entry(Chunk chunk, float @Nullable [] vector) {
    }

    private IndexFile() {
    }

    /** Writes {@code entries} to a temporary file beside {@code file}, then moves it into place. */
    static void write(Path file, List<Entry> entries) {
        Path dir = file.toAbsolutePath().getParent();
        try {
            Path tmp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
            try {
                try (JsonGenerator g = Json.MAPPER.getFactory().createGenerator(tmp.toFile(), JsonEncoding.UTF8)) {
                    g.writeStartObject();
                    g.writeStringField("format", FORMAT);
                    g.writeNumberField("version", VERSION);
                    g.writeArrayFieldStart("chunks");
                    for (Entry e : entries) {
                        g.writeStartObject();
                        g.writeStringField("id", e.chunk().id());
                        g.writeStringField("documentId", e.chunk().documentId());
                        g.writeStringField("text", e.chunk().text());
                        g.writeObjectFieldStart("metadata");
                        for (Map.Entry<String, String> m : e.chunk().metadata().entrySet()) {
                            g.writeStringField(m.getKey(), m.getValue());
                        }
                        g.writeEndObject();
                        if (e.vector() != null) {
                            g.writeStringField("vector", encode(e.vector()));
                        }
                        g.writeEndObject();
                    }
                    g.writeEndArray();
                    g.writeEndObject();
                }
                try {
                    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                } catch (java.nio.file.AtomicMoveNotSupportedException e) {
                    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
                }
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot save the index to " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Reads a saved index.
     *
     * @throws UncheckedIOException when the file cannot be read
     * @throws IllegalArgumentException when it is not a saved index, naming what is wrong
     */
    static List<Entry> read(Path file) {
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the index " + file + ": " + e.getMessage(), e);
        }
        if (root == null || !FORMAT.equals(Json.text(root, "format"))) {
            throw new IllegalArgumentException(file + " is not a saved index (no \"format\":\"" + FORMAT + "\")");
        }
        Integer version = Json.integer(root, "version");
        if (version == null || version != VERSION) {
            throw new IllegalArgumentException(file + ": index version " + version + " is not supported (" + VERSION
                    + " is)");
        }
        JsonNode chunks = root.get("chunks");
        if (chunks == null || !chunks.isArray()) {
            throw new IllegalArgumentException(file + ": \"chunks\" is missing or not an array");
        }
        List<Entry> out = new ArrayList<>(chunks.size());
        for (int i = 0; i < chunks.size(); i++) {
            JsonNode c = chunks.get(i);
            String id = Json.text(c, "id");
            String documentId = Json.text(c, "documentId");
            String text = Json.text(c, "text");
            if (id == null || documentId == null || text == null) {
                throw new IllegalArgumentException(file + ": chunk " + i + " lacks id, documentId or text");
            }
            Map<String, String> metadata = new LinkedHashMap<>();
            JsonNode m = c.get("metadata");
            if (m != null && m.isObject()) {
                m.properties().forEach(p -> metadata.put(p.getKey(), p.getValue().asText()));
            }
            String vector = Json.text(c, "vector");
            float[] v;
            try {
                v = vector == null ? null : decode(vector);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(file + ": chunk " + id + " has a malformed vector", e);
            }
            out.add(new Entry(new Chunk(id, documentId, text, metadata), v));
        }
        return out;
    }

    static String encode(float[] v) {
        ByteBuffer b = ByteBuffer.allocate(v.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (float x : v) {
            b.putFloat(x);
        }
        return Base64.getEncoder().encodeToString(b.array());
    }

    static float[] decode(String text) {
        byte[] bytes = Base64.getDecoder().decode(text);
        if (bytes.length == 0 || bytes.length % Float.BYTES != 0) {
            throw new IllegalArgumentException("vector of " + bytes.length + " bytes is not float32 values");
        }
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        float[] v = new float[bytes.length / Float.BYTES];
        for (int i = 0; i < v.length; i++) {
            v[i] = b.getFloat();
        }
        return v;
    }
}
