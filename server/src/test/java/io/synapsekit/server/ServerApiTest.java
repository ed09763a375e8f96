package io.synapsekit.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.synapsekit.api.ApiListing;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Compares the server module's public API with the checked-in listing {@code server/api/synapsekit-server.api}.
 * After an intended change, regenerate it with {@code mvn verify -Dsynapsekit.updateApi=true} and review the diff.
 */
class ServerApiTest {

    @Test
    void publicApiMatchesTheCheckedInListing() throws Exception {
        String actual = ApiListing.of(Path.of("target/classes"), List.of("io.synapsekit.server"));
        Path file = Path.of("api/synapsekit-server.api");
        if (Boolean.getBoolean("synapsekit.updateApi")) {
            Files.createDirectories(file.getParent());
            Files.writeString(file, actual, StandardCharsets.UTF_8);
        }
        assertThat(actual).as("public API of synapsekit-server; regenerate with -Dsynapsekit.updateApi=true")
                .isEqualTo(Files.readString(file, StandardCharsets.UTF_8));
    }
}
