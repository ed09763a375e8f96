package io.synapsekit.benchmarks;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The parent's side of the line protocol a benchmark's server JVM speaks on stdout: reports such as
 * {@code PORT 8080} or {@code IDLE rss=… heap=…}, and {@code GONE} when it exits.
 */
public final class ChildLines {

    private ChildLines() {
    }

    /**
     * Waits (up to 5 minutes) for the line that starts with {@code prefix}, skipping others, and returns the rest of
     * it.
     *
     * @throws IllegalStateException when the child exited or said nothing in time
     */
    public static String expect(BlockingQueue<String> lines, String prefix) throws InterruptedException {
        while (true) {
            String line = lines.poll(5, TimeUnit.MINUTES);
            if (line == null || line.startsWith("GONE")) {
                throw new IllegalStateException("the server did not report " + prefix.trim() + ": " + line);
            }
            if (line.startsWith(prefix)) {
                return line.substring(prefix.length());
            }
        }
    }

    /** Returns the {@code key=value} fields of a report, separated by spaces. */
    public static Map<String, String> fields(String line) {
        Map<String, String> values = new HashMap<>();
        for (String kv : line.trim().split(" ")) {
            int eq = kv.indexOf('=');
            values.put(kv.substring(0, eq), kv.substring(eq + 1));
        }
        return values;
    }
}
