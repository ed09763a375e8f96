package io.synapsekit.graph;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * A crash test's child JVM: runs a main class of the test class path, reads its stdout line by line (the child
 * reports its progress there, and {@code FAILED …} for a failed run), keeps its stderr in a file for the failure
 * message, and is killed with {@code destroyForcibly}, as a crash, never shut down cleanly.
 */
public final class CrashChildJvm implements AutoCloseable {

    private final Process process;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final Path stderr;
    private final List<String> all = new ArrayList<>();

    private CrashChildJvm(Process process, Path stderr) {
        this.process = process;
        this.stderr = stderr;
        Thread.ofVirtual().name("crash-child-stdout").start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    lines.add(line);
                }
            } catch (IOException ended) {
                // the JVM was killed
            }
        });
    }

    /**
     * Starts {@code main} with {@code args} in a JVM of its own on the test class path, tuned to start fast (C1
     * only, serial GC, small stacks) since a crash test starts dozens.
     */
    public static CrashChildJvm start(Class<?> main, String... args) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Path err = Files.createTempFile("synapsekit-crash-child", ".err");
        List<String> command = Stream.concat(Stream.of(java, "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                "-Xss512k", "-cp", classPath, main.getName()), Stream.of(args)).toList();
        return new CrashChildJvm(new ProcessBuilder(command).redirectError(err.toFile()).start(), err);
    }

    /** Waits up to 60 s for {@code count} lines that match, failing on a line that reports a failed run. */
    public void await(Predicate<String> wanted, int count) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        int found = 0;
        while (found < count) {
            String line = lines.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (line == null) {
                throw new AssertionError("child JVM: " + found + " of " + count + " lines within 60 s; saw "
                        + all + "; alive " + process.isAlive() + "; stderr:\n" + Files.readString(stderr));
            }
            all.add(line);
            if (line.startsWith("FAILED ")) {
                throw new AssertionError("child JVM: " + line + "\nstderr:\n" + Files.readString(stderr));
            }
            if (wanted.test(line)) {
                found++;
            }
        }
    }

    /** Kills the JVM, which must still be alive, and waits until it is gone. */
    public void kill() throws Exception {
        assertThat(process.isAlive()).as("the child JVM is alive until killed; stderr:\n%s",
                Files.readString(stderr)).isTrue();
        process.destroyForcibly();
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("the child JVM died").isTrue();
    }

    /** Waits up to 60 s for the JVM to end by itself, and returns its exit value. */
    public int exit() throws Exception {
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("the child JVM ended").isTrue();
        return process.exitValue();
    }

    @Override
    public void close() throws IOException {
        process.destroyForcibly();
        try {
            process.waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Files.deleteIfExists(stderr);
    }
}
