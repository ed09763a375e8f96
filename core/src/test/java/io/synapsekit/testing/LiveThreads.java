package io.synapsekit.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.management.HotSpotDiagnosticMXBean;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The live threads of this JVM, virtual threads included, found by name prefix: for tests that prove no thread
 * outlives its stream, without the production code keeping a register of its threads.
 *
 * <p>{@link Thread#getAllStackTraces()} leaves virtual threads out. This reads a JSON thread dump instead
 * ({@link HotSpotDiagnosticMXBean#dumpThreads}, JDK 21 and later), which lists every started thread that has not
 * ended, platform and virtual, in every thread container. Virtual threads are in it because the JDK tracks them all
 * by default ({@code jdk.trackAllThreads}); a test run with {@code -Djdk.trackAllThreads=false} would see only
 * those started by an executor. A dump takes some milliseconds, so poll with {@link #awaitNone}, not in a hot loop.
 *
 * <p>Thread-safe.
 */
public final class LiveThreads {

    /** How long {@link #awaitNone} waits for the threads to end. */
    public static final Duration WITHIN = Duration.ofSeconds(10);

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final AtomicLong DUMPS = new AtomicLong();
    private static final Path DIRECTORY = directory();

    private LiveThreads() {
    }

    private static Path directory() {
        try {
            Path dir = Files.createTempDirectory("synapsekit-threads");
            dir.toFile().deleteOnExit(); // empty by then: each dump is deleted once read
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Returns the names of the live threads whose name starts with one of {@code prefixes}, sorted. */
    public static List<String> named(String... prefixes) {
        List<String> names = new ArrayList<>();
        for (String name : all()) {
            if (Arrays.stream(prefixes).anyMatch(name::startsWith)) {
                names.add(name);
            }
        }
        names.sort(null);
        return names;
    }

    /**
     * Waits until no live thread's name starts with one of {@code prefixes}, polling with a deadline.
     *
     * @throws AssertionError naming the threads still alive after {@link #WITHIN}
     */
    public static void awaitNone(String... prefixes) throws InterruptedException {
        awaitNone(WITHIN, prefixes);
    }

    /**
     * Waits until no live thread's name starts with one of {@code prefixes}, polling with a deadline.
     *
     * @throws AssertionError naming the threads still alive after {@code within}
     */
    public static void awaitNone(Duration within, String... prefixes) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        List<String> alive;
        while (!(alive = named(prefixes)).isEmpty()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("threads named " + Arrays.toString(prefixes) + "… still alive after "
                        + within + ": " + alive);
            }
            TimeUnit.MILLISECONDS.sleep(5); // the interval of a poll with a deadline, not synchronisation
        }
    }

    /** Returns the name of every live thread, virtual ones included. */
    public static List<String> all() {
        Path file = DIRECTORY.resolve("dump-" + DUMPS.incrementAndGet() + ".json"); // must not exist yet
        try {
            ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class)
                    .dumpThreads(file.toString(), HotSpotDiagnosticMXBean.ThreadDumpFormat.JSON);
            JsonNode containers = JSON.readTree(file.toFile()).path("threadDump").path("threadContainers");
            List<String> names = new ArrayList<>();
            for (JsonNode container : containers) {
                for (JsonNode thread : container.path("threads")) {
                    names.add(thread.path("name").asText());
                }
            }
            return names;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                // a leftover dump in the temporary directory is harmless
            }
        }
    }
}
