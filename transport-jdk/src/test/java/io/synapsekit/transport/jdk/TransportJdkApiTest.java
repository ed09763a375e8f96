package io.synapsekit.transport.jdk;

import io.synapsekit.api.ApiListing;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The JDK transport's public API equals the checked-in listing {@code transport-jdk/api/synapsekit-transport-jdk.api}:
 * nothing is exported, but the provider class is public (for {@code ServiceLoader} on the class path), so a change
 * to it shows here.
 */
class TransportJdkApiTest {

    @Test
    void publicApiMatchesTheCheckedInListing() {
        ApiListing.assertUnchanged("synapsekit-transport-jdk", List.of("io.synapsekit.transport.jdk"));
    }
}
