package io.synapsekit.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.synapsekit.testlog.CapturedLogs;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.concurrent.CompletableFuture;
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
        Path mainDir = dir.resolve("main");
        String mainClass = LeakWarningMain.class.getName().replace('.', '/') + ".class";
        Files.createDirectories(mainDir.resolve(mainClass).getParent());
        try (InputStream in = LeakWarningTest.class.getClassLoader().getResourceAsStream(mainClass)) {
            Files.copy(in, mainDir.resolve(mainClass));
        }
        String classPath = String.join(java.io.File.pathSeparator, location(LeakWarning.class).toString(),
                location(LoggerFactory.class).toString(), mainDir.toString());
        // java.home's launcher, not this process's command: a JDK may be started through a wrapper or a loader.
        String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "-cp", classPath, LeakWarningMain.class.getName()).start();
        CompletableFuture<String> out = read(child.getInputStream());
        CompletableFuture<String> err = read(child.getErrorStream());

        boolean exited = child.waitFor(60, TimeUnit.SECONDS);
        if (!exited) {
            child.destroyForcibly();
        }

        assertThat(exited).as("the child JVM ended").isTrue();
        String stderr = err.get(10, TimeUnit.SECONDS);
        assertThat(child.exitValue()).as(stderr).isZero();
        assertThat(stderr).as("SLF4J had no provider").contains("No SLF4J providers were found");
        assertThat(stderr).contains("WARNING").containsOnlyOnce("test: a stream was abandoned (first)")
                .doesNotContain("(second)");
        assertThat(out.get(10, TimeUnit.SECONDS)).as("nothing on standard output").isEmpty();
    }

    private static Path location(Class<?> type) throws Exception {
        return Paths.get(type.getProtectionDomain().getCodeSource().getLocation().toURI());
    }

    private static CompletableFuture<String> read(InputStream in) {
        return CompletableFuture.supplyAsync(() -> {
            try (in) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "read failed: " + e;
            }
        }, command -> Thread.ofVirtual().start(command));
    }
}
