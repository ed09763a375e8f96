package io.synapsekit.llm.ollama;

import io.synapsekit.internal.StreamContext;
import io.synapsekit.llm.LLMEvent;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** A stream context for decoding bodies without HTTP: collects events and the partial text, as the client does. */
final class TestContext implements StreamContext {

    final StringBuilder partial = new StringBuilder();
    final List<LLMEvent> events = new ArrayList<>();
    private final int maxEventBytes;

    TestContext() {
        this(1 << 20);
    }

    TestContext(int maxEventBytes) {
        this.maxEventBytes = maxEventBytes;
    }

    @Override
    public String provider() {
        return "test";
    }

    @Override
    public String partialText() {
        return partial.toString();
    }

    @Override
    public int maxEventBytes() {
        return maxEventBytes;
    }

    void accept(LLMEvent e) {
        if (e instanceof LLMEvent.Token t) {
            partial.append(t.text());
        }
        events.add(e);
    }

    /** Returns the tokens decoded. */
    List<String> tokens() {
        return events.stream().filter(e -> e instanceof LLMEvent.Token).map(e -> ((LLMEvent.Token) e).text())
                .toList();
    }

    /** Returns the body of {@code text} in two reads, split at byte {@code cut}. */
    static InputStream split(String text, int cut) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        return new InputStream() {
            int pos;

            @Override
            public int read() {
                return pos < bytes.length ? bytes[pos++] & 0xff : -1;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (pos >= bytes.length) {
                    return -1;
                }
                int end = pos < cut ? Math.min(cut, bytes.length) : bytes.length;
                int n = Math.max(1, Math.min(len, end - pos));
                System.arraycopy(bytes, pos, b, off, n);
                pos += n;
                return n;
            }
        };
    }

    static InputStream body(String text) {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
    }
}
