package io.synapsekit.graph;

import io.synapsekit.api.ApiListing;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Compares the graph module's public API, nullness included, with the checked-in listing
 * {@code graph/api/synapsekit-graph.api}, and checks that its package is {@code @NullMarked}. After an intended
 * change, regenerate it with {@code mvn verify -Dsynapsekit.updateApi=true} and review the diff.
 */
class GraphApiTest {

    @Test
    void publicApiMatchesTheCheckedInListing() {
        ApiListing.assertUnchanged("synapsekit-graph", List.of("io.synapsekit.graph"));
    }
}
