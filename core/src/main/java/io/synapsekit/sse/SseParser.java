package io.synapsekit.sse;
// TEMPORARY STUB: naive parser
import io.synapsekit.stream.CloseableIterator;
import java.io.*;
import java.nio.charset.StandardCharsets;
public final class SseParser {
    public static final int DEFAULT_MAX_EVENT_BYTES = 8 << 20;
    public static CloseableIterator<SseEvent> events(InputStream in) { return events(in, DEFAULT_MAX_EVENT_BYTES); }
    public static CloseableIterator<SseEvent> events(InputStream in, int max) {
        BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        return new CloseableIterator<>() {
            SseEvent next; boolean done; String type; StringBuilder data;
            public boolean hasNext() {
                if (next != null) return true; if (done) return false;
                try { String line;
                    while ((line = r.readLine()) != null) {
                        if (line.isEmpty()) { if (data != null) { next = new SseEvent(type == null ? "message" : type, data.substring(0, data.length()-1), "", null); data = null; type = null; return true; } continue; }
                        if (line.startsWith(":")) continue;
                        int c = line.indexOf(':'); String f = c < 0 ? line : line.substring(0, c); String v = c < 0 ? "" : line.substring(c+1); if (v.startsWith(" ")) v = v.substring(1);
                        if (f.equals("data")) { if (data == null) data = new StringBuilder(); data.append(v).append('\n'); } else if (f.equals("event")) type = v;
                    }
                    done = true; close(); return false;
                } catch (IOException e) { close(); throw new UncheckedIOException(e); }
            }
            public SseEvent next() { if (!hasNext()) throw new java.util.NoSuchElementException(); SseEvent e = next; next = null; return e; }
            public void close() { try { in.close(); } catch (IOException ignored) {} }
        };
    }
}
