package io.synapsekit.testlog;

import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.slf4j.event.Level;

/**
 * Every log record SynapseKit writes during the tests, captured by a test-only SLF4J provider so tests can assert
 * on warnings and prove that no secret is ever logged.
 */
public final class CapturedLogs {

    /** One formatted log record. */
    public record Entry(String logger, Level level, String message) {
    }

    private static final ConcurrentLinkedQueue<Entry> ENTRIES = new ConcurrentLinkedQueue<>();

    private CapturedLogs() {
    }

    static void add(Entry entry) {
        ENTRIES.add(entry);
    }

    /** Returns a snapshot of everything logged so far. */
    public static List<Entry> all() {
        return List.copyOf(ENTRIES);
    }

    /** Returns the records at {@code level} whose message contains {@code text}. */
    public static List<Entry> matching(Level level, String text) {
        return ENTRIES.stream().filter(e -> e.level() == level && e.message().contains(text)).toList();
    }
}
