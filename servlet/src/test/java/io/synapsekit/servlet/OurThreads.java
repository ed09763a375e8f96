package io.synapsekit.servlet;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The streaming threads of ours alive now, virtual ones included (they are not in getAllStackTraces). */
final class OurThreads {

    private static final Pattern OURS = Pattern.compile("\"name\": \"(synapsekit-(sse|ws)[^\"]*)\"");

    private OurThreads() {
    }

    /** Returns the names of live SSE and WebSocket threads of ours, from a thread dump written in {@code dir}. */
    static List<String> alive(Path dir) throws IOException {
        Path dump = Files.createTempFile(dir, "threads", ".json");
        Files.delete(dump);
        ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class)
                .dumpThreads(dump.toString(), HotSpotDiagnosticMXBean.ThreadDumpFormat.JSON);
        Matcher m = OURS.matcher(Files.readString(dump));
        Files.delete(dump);
        List<String> names = new ArrayList<>();
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }
}
