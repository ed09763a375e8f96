package io.synapsekit.opentelemetry;

import io.synapsekit.api.ApiListing;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The module's public API equals the checked-in listing {@code opentelemetry/api/synapsekit-opentelemetry.api}. */
class OpenTelemetryApiTest {

    @Test
    void publicApiMatchesTheCheckedInListing() {
        ApiListing.assertUnchanged("synapsekit-opentelemetry", List.of("io.synapsekit.opentelemetry"));
    }
}
