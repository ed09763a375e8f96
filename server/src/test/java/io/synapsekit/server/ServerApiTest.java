package io.synapsekit.server;

import io.synapsekit.api.ApiListing;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The server module's public API equals the checked-in listing {@code server/api/synapsekit-server.api}. */
class ServerApiTest {

    @Test
    void publicApiMatchesTheCheckedInListing() {
        ApiListing.assertUnchanged("synapsekit-server",
                List.of("io.synapsekit.server", "io.synapsekit.server.agui", "io.synapsekit.server.ui"));
    }
}
