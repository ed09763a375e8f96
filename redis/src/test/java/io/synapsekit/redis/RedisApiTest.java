package io.synapsekit.redis;

import io.synapsekit.api.ApiListing;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The redis module's public API equals the checked-in listing {@code redis/api/synapsekit-redis.api}. */
class RedisApiTest {

    @Test
    void publicApiMatchesTheCheckedInListing() {
        ApiListing.assertUnchanged("synapsekit-redis", List.of("io.synapsekit.redis"));
    }
}
