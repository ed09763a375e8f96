package io.synapsekit.benchmarks.load;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.management.ObjectName;

/**
 * The live heap of {@link LoadRun}'s own process by class, read through the {@code GC.class_histogram} diagnostic
 * command (which collects first, so only live objects count): taken once with the connections idle and once with
 * N streams open, the difference / N is what one open stream holds, class by class.
 */
final class HeapProbe {

    private HeapProbe() {
    }

    /** Instances and bytes of one class in a histogram. */
    record Count(long instances, long bytes) {
    }

    /** The live heap by class name, after a full collection. */
    static Map<String, Count> histogram() throws Exception {
        String text = (String) ManagementFactory.getPlatformMBeanServer().invoke(
                new ObjectName("com.sun.management:type=DiagnosticCommand"), "gcClassHistogram",
                new Object[] {new String[0]}, new String[] {String[].class.getName()});
        Map<String, Count> counts = new HashMap<>();
        for (String line : text.lines().toList()) {
            String[] f = line.trim().split("\\s+");
            // " 1:  12345  678901  java.lang.String (java.base@25)"
            if (f.length >= 4 && f[0].endsWith(":")) {
                counts.merge(f[3], new Count(Long.parseLong(f[1]), Long.parseLong(f[2])),
                        (a, b) -> new Count(a.instances + b.instances, a.bytes + b.bytes));
            }
        }
        return counts;
    }

    /**
     * The component a class's objects belong to, for the per-stream breakdown: the virtual thread (its object and
     * its stack, in stack chunks while it is parked), HttpClient's exchange (its own classes), ours, and the
     * arrays and JDK collections, which a histogram cannot attribute (the heap dump can, see the README).
     */
    static String component(String cls) {
        if (cls.equals("jdk.internal.vm.StackChunk")) {
            return "virtual-thread stack (StackChunk)";
        }
        if (cls.startsWith("java.lang.VirtualThread") || cls.startsWith("jdk.internal.vm.Continuation")) {
            return "virtual thread object";
        }
        if (cls.startsWith("jdk.internal.net.http.") || cls.startsWith("java.net.http.")) {
            return "HttpClient exchange (jdk.internal.net.http.*)";
        }
        if (cls.startsWith("io.synapsekit.benchmarks.")) {
            return "harness";
        }
        if (cls.startsWith("io.synapsekit.")) {
            return "ours (io.synapsekit.*)";
        }
        if (cls.equals("[B") || cls.equals("[C") || cls.equals("byte[]") || cls.equals("char[]")) {
            return "byte[] / char[] (buffers, strings)";
        }
        if (cls.startsWith("com.fasterxml.")) {
            return "Jackson";
        }
        if (cls.startsWith("java.util.concurrent.") || cls.startsWith("java.util.")) {
            return "java.util(.concurrent) (queues, futures, maps)";
        }
        return "other JDK";
    }

    /**
     * Prints what one of {@code streams} open streams holds: the top classes and the components, in bytes per
     * stream, as {@code HEAP …} lines, and returns the total live bytes per stream.
     */
    static double printPerStream(Map<String, Count> idle, Map<String, Count> open, int streams) {
        Map<String, Double> byClass = new HashMap<>();
        Map<String, Double> instances = new HashMap<>();
        for (Map.Entry<String, Count> e : open.entrySet()) {
            Count before = idle.getOrDefault(e.getKey(), new Count(0, 0));
            byClass.put(e.getKey(), (double) (e.getValue().bytes - before.bytes) / streams);
            instances.put(e.getKey(), (double) (e.getValue().instances - before.instances) / streams);
        }
        double total = byClass.values().stream().mapToDouble(Double::doubleValue).sum();
        Map<String, Double> byComponent = new HashMap<>();
        byClass.forEach((cls, b) -> byComponent.merge(component(cls), b, Double::sum));
        List<Map.Entry<String, Double>> components = new ArrayList<>(byComponent.entrySet());
        components.sort(Map.Entry.<String, Double>comparingByValue().reversed());
        System.out.printf(Locale.ROOT, "HEAP per open stream: %.0f bytes live%n", total);
        for (Map.Entry<String, Double> c : components) {
            System.out.printf(Locale.ROOT, "HEAP   %-52s %8.0f B%n", c.getKey(), c.getValue());
        }
        List<Map.Entry<String, Double>> classes = new ArrayList<>(byClass.entrySet());
        classes.sort(Map.Entry.<String, Double>comparingByValue().reversed());
        int shown = 0;
        for (Map.Entry<String, Double> c : classes) {
            if (shown++ == 40 || c.getValue() < 8) {
                break;
            }
            System.out.printf(Locale.ROOT, "HEAP   class %-70s %8.0f B %6.2f objects%n", c.getKey(), c.getValue(),
                    instances.get(c.getKey()));
        }
        return total;
    }

    /** The bytes of every class in {@code counts}. */
    static long total(Map<String, Count> counts) {
        return counts.values().stream().mapToLong(Count::bytes).sum();
    }

    /** This process's current resident set size (VmRSS), in MB. */
    static double rssMb() {
        try {
            for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
                }
            }
        } catch (Exception ignored) {
            // not Linux
        }
        return -1;
    }
}
