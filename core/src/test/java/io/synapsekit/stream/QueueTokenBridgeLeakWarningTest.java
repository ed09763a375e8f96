package io.synapsekit.stream;

import static org.assertj.core.api.Assertions.assertThat;

import io.synapsekit.testing.ChildJvm;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * A forgotten bridge warns someone where SLF4J has no provider: its warning reaches {@link System.Logger}, as an
 * abandoned LLM stream's does, never standard output.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class QueueTokenBridgeLeakWarningTest {

    @TempDir
    Path dir;

    @Test
    void withoutAnSlf4jProviderTheWarningGoesToTheSystemLoggerOnStandardError() throws Exception {
        ChildJvm.Outcome child = ChildJvm.run(dir, AbandonedBridgeMain.class, QueueTokenBridge.class,
                LoggerFactory.class);

        assertThat(child.exited()).as("the child JVM ended").isTrue();
        assertThat(child.exitValue()).as("the cleaner stopped the producer; stderr: %s", child.stderr()).isZero();
        assertThat(child.stderr()).as("SLF4J had no provider").contains("No SLF4J providers were found");
        assertThat(child.stderr()).contains("WARNING").containsOnlyOnce("a QueueTokenBridge was never closed")
                .contains("abandoned-producer");
        assertThat(child.stdout()).as("nothing on standard output").isEmpty();
    }
}
