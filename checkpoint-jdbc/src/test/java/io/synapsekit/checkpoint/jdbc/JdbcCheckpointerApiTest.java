package io.synapsekit.checkpoint.jdbc;

import io.synapsekit.api.ApiListing;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The checkpoint-jdbc module's public API equals the checked-in listing
 * {@code checkpoint-jdbc/api/synapsekit-checkpoint-jdbc.api}.
 */
class JdbcCheckpointerApiTest {

    @Test
    void publicApiMatchesTheCheckedInListing() {
        ApiListing.assertUnchanged("synapsekit-checkpoint-jdbc", List.of("io.synapsekit.checkpoint.jdbc"));
    }
}
