package io.synapsekit.server.agui;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.io.UncheckedIOException;
import org.jspecify.annotations.Nullable;

/** The JSON mapper of the AG-UI encoder and input parser. */
final class AgUiJson {

    /**
     * Parses request bodies on a container's threads and writes events on ours. Jackson's default buffer pool keeps
     * a buffer in a thread-local of every thread that parses, and a container's pool thread outlives the web
     * application; a pool of its own keeps the buffers here. The nesting limit bounds the work a hostile body can
     * cause.
     */
    static final ObjectMapper MAPPER = new ObjectMapper(JsonFactory.builder()
            .recyclerPool(JsonRecyclerPools.newConcurrentDequePool())
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(200).build())
            .build());

    static final JsonNodeFactory NODES = MAPPER.getNodeFactory();

    private AgUiJson() {
    }

    /** Returns {@code value} as JSON; a value Jackson cannot map is sent as its string form. */
    static JsonNode tree(@Nullable Object value) {
        try {
            return MAPPER.valueToTree(value);
        } catch (IllegalArgumentException e) {
            return NODES.textNode(String.valueOf(value));
        }
    }

    static String write(JsonNode node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e); // a tree always serialises; this is unreachable
        }
    }
}
