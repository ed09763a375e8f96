package io.synapsekit.internal.leak;

import static org.assertj.core.api.Assertions.assertThat;

import io.synapsekit.testing.ChildJvm;
import io.synapsekit.testlog.CapturedLogs;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * The one-time warning about an abandoned stream reaches someone: through SLF4J when it has a provider, and
 * through {@link System.Logger} when it has none (SLF4J then drops every message), never on standard output.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class LeakWarningTest {

    @TempDir
    Path dir;

    @Test
    void withAnSlf4jProviderTheWarningGoesToSlf4jOnce() {
        LeakWarning warning = new LeakWarning(LeakWarningTest.class);

        assertThat(warning.warnOnce("leak-test: first abandoned")).isTrue();
        assertThat(warning.warnOnce("leak-test: second abandoned")).isFalse();

        assertThat(CapturedLogs.matching(Level.WARN, "leak-test: first abandoned")).hasSize(1);
        assertThat(CapturedLogs.matching(Level.WARN, "leak-test: second abandoned")).isEmpty();
        assertThat(CapturedLogs.matching(Level.DEBUG, "leak-test: second abandoned")).hasSize(1);
    }

    @Test
    void onlySlf4jsFallbackCountsAsDroppingEverything() {
        assertThat(LeakWarning.slf4jDropsEverything(LoggerFactory.getILoggerFactory())).as("the test provider")
                .isFalse();
        assertThat(LeakWarning.slf4jDropsEverything(new org.slf4j.helpers.NOPLoggerFactory()))
                .as("the fallback, with no slf4j-nop on the class path").isTrue();
    }

    @Test
    void withoutAnSlf4jProviderTheWarningGoesToTheSystemLoggerOnStandardError() throws Exception {
        // A JVM of its own whose class path is core's classes, slf4j-api and the one main class: no provider.
        ChildJvm.Outcome child = ChildJvm.run(dir, LeakWarningMain.class, LeakWarning.class, LoggerFactory.class);

        assertThat(child.exited()).as("the child JVM ended").isTrue();
        assertThat(child.exitValue()).as(child.stderr()).isZero();
        assertThat(child.stderr()).as("SLF4J had no provider").contains("No SLF4J providers were found");
        assertThat(child.stderr()).contains("WARNING").containsOnlyOnce("test: a stream was abandoned (first)")
                .doesNotContain("(second)");
        assertThat(child.stdout()).as("nothing on standard output").isEmpty();
    }
}
