package io.synapsekit.testing;

import io.synapsekit.internal.StreamContext;
import io.synapsekit.llm.LLMEvent;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** A stream context shared by the provider decoder tests, for decoding bodies without HTTP: collects events and the partial text, as the client does. */
public final class TestStreamContext implements StreamContext {

    public final StringBuilder partial = new StringBuilder();
    public final List<LLMEvent> events = new ArrayList<>();
    private final int maxEventBytes;

    public TestStreamContext() {
        this(1 << 20);
    }

    public TestStreamContext(int maxEventBytes) {
        this.maxEventBytes = maxEventBytes;
    }

    @Override
    public String provider() {
        return "test";
    }

    @Override
    public io.synapsekit.llm.PartialResult partial() {
        return io.synapsekit.llm.PartialResult.ofText(partial.toString());
    }

    @Override
    public int maxEventBytes() {
        return maxEventBytes;
    }

    public void accept(LLMEvent e) {
        if (e instanceof LLMEvent.Token t) {
            partial.append(t.text());
        }
        events.add(e);
    }

    /** Returns the tokens decoded. */
    public List<String> tokens() {
        return events.stream().filter(e -> e instanceof LLMEvent.Token).map(e -> ((LLMEvent.Token) e).text())
                .toList();
    }

    /** Returns the body of {@code text} in two reads, split at byte {@code cut}. */
    public static InputStream split(String text, int cut) {
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

    public static InputStream body(String text) {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
    }
}
