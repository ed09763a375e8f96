package io.synapsekit.api;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Compares rag's public API, nullness included, with the checked-in listing {@code rag/api/synapsekit-rag.api},
 * and checks that its packages are {@code @NullMarked}. After an intended change, regenerate it with
 * {@code mvn verify -Dsynapsekit.updateApi=true} and review the diff.
 */
class RagApiTest {

    static final List<String> EXPORTED = List.of(
            "io.synapsekit.rag", "io.synapsekit.rag.split", "io.synapsekit.rag.retrieval",
            "io.synapsekit.rag.embeddings");

    @Test
    void publicApiMatchesTheCheckedInListing() {
        ApiListing.assertUnchanged("synapsekit-rag", EXPORTED);
    }
}
