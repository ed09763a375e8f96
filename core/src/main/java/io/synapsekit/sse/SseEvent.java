package io.synapsekit.sse;

import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One Server-Sent Event, as dispatched by a parser or written by {@link SseWriter}.
 *
 * @param event the event type; {@code "message"} when the stream named none
 * @param data the data, lines joined with {@code \n}
 * @param id the last event ID as the WHATWG spec defines it: set by an {@code id} field and carried over to later
 *     events until changed; {@code ""} when none was ever set
 * @param retry the reconnection time sent in this event's block, or {@code null} when it carried none
 * @param comment the text of a comment block (e.g. a keep-alive), or {@code null} for an event; a comment has no
 *     type, data, id or retry of its own ({@code "message"}, {@code ""}, {@code ""}, {@code null}). Only a
 *     writer emits comments: {@link SseParser} skips them, as the standard says.
 */
public record SseEvent(String event, String data, String id, @Nullable Duration retry, @Nullable String comment) {

    public SseEvent {
        Objects.requireNonNull(event, "event");
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(id, "id");
        if (comment != null && (!event.equals("message") || !data.isEmpty() || !id.isEmpty() || retry != null)) {
            throw new IllegalArgumentException("a comment carries no event type, data, id or retry: " + quote(comment));
        }
        if (event.isEmpty()) {
            // "event:" with no value means "message" to every reader: a writer must not pretend otherwise.
            throw new IllegalArgumentException("event type must not be empty; use \"message\"");
        }
        if (event.indexOf('\n') >= 0 || event.indexOf('\r') >= 0) {
            throw new IllegalArgumentException("event type must not contain CR or LF: " + quote(event));
        }
        if (id.indexOf('\n') >= 0 || id.indexOf('\r') >= 0 || id.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("id must not contain CR, LF or NUL: " + quote(id));
        }
        if (retry != null && retry.isNegative()) {
            throw new IllegalArgumentException("retry must not be negative: " + retry);
        }
    }

    /** Creates an event (not a comment). */
    public SseEvent(String event, String data, String id, @Nullable Duration retry) {
        this(event, data, id, retry, null);
    }

    /**
     * Returns a comment block, which readers ignore; servers send one as a keep-alive so that proxies and
     * clients do not time out an idle stream. Each line of {@code text} becomes its own {@code :} line.
     */
    public static SseEvent comment(String text) {
        return new SseEvent("message", "", "", null, Objects.requireNonNull(text, "text"));
    }

    /** Returns whether this is a comment block rather than an event. */
    public boolean isComment() {
        return comment != null;
    }

    /** Returns a {@code message} event with {@code data}, no id and no retry. */
    public static SseEvent message(String data) {
        return new SseEvent("message", data, "", null);
    }

    /** Returns an event of type {@code event} with {@code data}. */
    public static SseEvent of(String event, String data) {
        return new SseEvent(event, data, "", null);
    }

    /** Returns a copy with {@code id}. */
    public SseEvent withId(String id) {
        return new SseEvent(event, data, id, retry, comment);
    }

    /** Returns a copy with {@code retry}. */
    public SseEvent withRetry(Duration retry) {
        return new SseEvent(event, data, id, retry, comment);
    }

    private static String quote(String s) {
        String shown = s.length() > 200 ? s.substring(0, 200) + "…" : s;
        return '"' + shown.replace("\r", "\\r").replace("\n", "\\n").replace("\0", "\\0") + '"';
    }
}
