package io.synapsekit.servlet;

import io.synapsekit.api.ApiListing;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The servlet module's public API equals the checked-in listing {@code servlet/api/synapsekit-servlet.api}. */
class ServletApiTest {

    @Test
    void publicApiMatchesTheCheckedInListing() {
        ApiListing.assertUnchanged("synapsekit-servlet", List.of("io.synapsekit.servlet"));
    }
}
