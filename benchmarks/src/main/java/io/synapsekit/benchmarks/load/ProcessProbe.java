package io.synapsekit.benchmarks.load;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * What {@link LoadRun} reads of its own process: peak RSS, CPU per kind of thread, and an optional JFR recording
 * of the measured part. Linux-only readings degrade to nothing elsewhere.
 */
final class ProcessProbe {

    private ProcessProbe() {
    }

    /**
     * With {@code -Dload.jfr=<file>}, a JFR recording (the {@code profile} settings, execution samples every
     * millisecond) of the measured part only, so that the warm-up's long streams do not mix into the profile.
     */
    static jdk.jfr.Recording startRecording() throws Exception {
        String file = System.getProperty("load.jfr");
        if (file == null) {
            return null;
        }
        jdk.jfr.Recording recording = new jdk.jfr.Recording(jdk.jfr.Configuration.getConfiguration("profile"));
        recording.enable("jdk.ExecutionSample").withPeriod(java.time.Duration.ofMillis(1));
        recording.enable("jdk.NativeMethodSample").withPeriod(java.time.Duration.ofMillis(1));
        try {
            // JDK 25's CPU-time sampler (Linux): samples by CPU spent, native and VM code included.
            recording.enable("jdk.CPUTimeSample").with("throttle", "1ms");
        } catch (RuntimeException older) {
            // not on this JDK
        }
        recording.start();
        return recording;
    }

    /** Stops {@code recording} (if any) and writes it to the {@code load.jfr} file. */
    static void stopRecording(jdk.jfr.Recording recording) throws java.io.IOException {
        if (recording != null) {
            recording.stop();
            recording.dump(Path.of(System.getProperty("load.jfr")));
        }
    }

    /**
     * User and system CPU ticks per OS thread of this process ({@code /proc/self/task/<tid>/stat}), keyed by
     * "tid name": which kinds of thread (carriers, selector, compiler, GC) spend the measured CPU.
     */
    static Map<String, long[]> taskTimes() {
        Map<String, long[]> times = new TreeMap<>();
        try (var tasks = Files.list(Path.of("/proc/self/task"))) {
            for (Path task : (Iterable<Path>) tasks::iterator) {
                try {
                    String stat = Files.readString(task.resolve("stat"));
                    String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    times.put(task.getFileName() + " " + name, new long[] {Long.parseLong(f[11]), Long.parseLong(f[12])});
                } catch (Exception gone) {
                    // the thread ended meanwhile
                }
            }
        } catch (Exception notLinux) {
            // no per-thread times here
        }
        return times;
    }

    /** Prints the CPU ticks (user+system) spent since {@code before}, summed by thread name with digits removed. */
    static void printTaskTimes(Map<String, long[]> before, Map<String, long[]> after) {
        Map<String, long[]> byKind = new TreeMap<>();
        after.forEach((key, t) -> {
            long[] b = before.getOrDefault(key, new long[2]);
            String kind = key.substring(key.indexOf(' ') + 1).replaceAll("[0-9]+", "#");
            long[] sum = byKind.computeIfAbsent(kind, k -> new long[2]);
            sum[0] += t[0] - b[0];
            sum[1] += t[1] - b[1];
        });
        byKind.forEach((kind, t) -> {
            if (t[0] + t[1] > 0) {
                System.out.printf(Locale.ROOT, "TASK %-24s user %5d sys %5d ticks%n", kind, t[0], t[1]);
            }
        });
    }

    /**
     * Resets this process's peak RSS to its current RSS (Linux: "5" to {@code /proc/self/clear_refs}), so that the
     * peak reported is the measured part's, not the warm-up's: the heap the warm-up grew and the full GC after it
     * did not give back still counts, as it is resident.
     */
    static void resetPeakRss() {
        try {
            Files.writeString(Path.of("/proc/self/clear_refs"), "5");
        } catch (Exception notLinux) {
            // the peak then includes the warm-up
        }
    }

    /** Peak resident set size of this process (VmHWM), in MB. */
    static double peakRssMb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
                }
            }
        } catch (Exception ignored) {
            // not Linux
        }
        return -1;
    }
}
