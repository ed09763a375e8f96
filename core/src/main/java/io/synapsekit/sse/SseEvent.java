package io.synapsekit.sse;
// TEMPORARY STUB (replaced by the SSE implementation)
public record SseEvent(String event, String data, String id, java.time.Duration retry) {
    public static SseEvent message(String data) { return new SseEvent("message", data, "", null); }
}
