package io.synapsekit.llm;

import static org.assertj.core.api.Assertions.assertThat;

import io.synapsekit.stream.CloseableIterator;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * An {@link LLMStream}'s side values are readable at any time, from any thread: a UI thread
 * polling {@code text()} while another thread reads the stream always sees a prefix of the final text, never a
 * torn or garbled one, and never less than it saw before. The same holds for thinking, the refusal and the tool
 * calls.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TokenStreamConcurrencyTest {

    /** Tokens per answer: enough for the text's storage to grow several times and change its coding. */
    private static final int TOKENS = 300;
    /** Answers read one after another while the poller watches whichever is current. */
    private static final int ANSWERS = 100_000; // enough for the old builders to be caught torn every time

    /** The events of one answer, as a provider's stream would deliver them. */
    private static final class Answer implements CloseableIterator<LLMEvent> {
        private final List<LLMEvent> events;
        private int next;

        Answer(List<LLMEvent> events) {
            this.events = events;
        }

        @Override
        public boolean hasNext() {
            return next < events.size();
        }

        @Override
        public LLMEvent next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            return events.get(next++);
        }

        @Override
        public void close() {
        }
    }

    private static final StringBuilder TEXT = new StringBuilder();
    private static final StringBuilder THINKING = new StringBuilder();
    private static final List<LLMEvent.ToolCall> CALLS = new ArrayList<>();
    /**
     * Tokens of varying length that turn from Latin-1 to characters beyond it halfway, so the text's storage grows
     * and changes its coding while it is being read; thinking and tool calls come often enough to grow too.
     */
    private static final List<LLMEvent> EVENTS = new ArrayList<>();

    static {
        for (int i = 0; i < TOKENS; i++) {
            String piece = (i < TOKENS / 2 ? "tok" : "\u4e2d") + i + " ".repeat(i % 7);
            EVENTS.add(new LLMEvent.Token(piece));
            TEXT.append(piece);
            if (i % 3 == 0) {
                String th = "th" + i + (i > TOKENS / 3 ? "\u00e9\u4e2d" : "") + ";";
                EVENTS.add(new LLMEvent.Thinking(th));
                THINKING.append(th);
            }
            if (i % 4 == 0) {
                LLMEvent.ToolCall call = new LLMEvent.ToolCall(CALLS.size(), "id" + i, "f", "{}");
                EVENTS.add(call);
                CALLS.add(call);
            }
        }
    }

    @Test
    void aPollingThreadAlwaysSeesAPrefixOfTheFinalText() throws Exception {
        String finalText = TEXT.toString();
        String finalThinking = THINKING.toString();
        AtomicReference<TokenStream> current = new AtomicReference<>();
        AtomicBoolean done = new AtomicBoolean();
        ConcurrentLinkedQueue<String> violations = new ConcurrentLinkedQueue<>();
        CountDownLatch polling = new CountDownLatch(1);
        long[] polls = {0};

        Thread poller = Thread.ofPlatform().name("ui-poller").start(() -> {
            polling.countDown();
            while (!done.get() && violations.isEmpty()) {
                TokenStream stream = current.get();
                if (stream == null) {
                    continue;
                }
                polls[0]++;
                try {
                    String t = stream.text();
                    String th = stream.thinking();
                    List<LLMEvent.ToolCall> c = stream.toolCalls();
                    if (!finalText.startsWith(t)) {
                        violations.add("text of " + t.length() + " chars is not a prefix: " + t);
                    }
                    if (!finalThinking.startsWith(th)) {
                        violations.add("thinking of " + th.length() + " chars is not a prefix: " + th);
                    }
                    if (!c.equals(CALLS.subList(0, c.size()))) {
                        violations.add(c.size() + " tool calls are not a prefix: " + c);
                    }
                } catch (RuntimeException e) {
                    violations.add(e.toString());
                }
            }
        });
        polling.await();
        for (int i = 0; i < ANSWERS && violations.isEmpty(); i++) {
            TokenStream stream = new TokenStream(new Answer(EVENTS));
            current.set(stream);
            while (stream.hasNext()) {
                stream.next();
            }
            assertThat(stream.text()).isEqualTo(finalText);
            assertThat(stream.thinking()).isEqualTo(finalThinking);
            assertThat(stream.toolCalls()).isEqualTo(CALLS);
        }
        done.set(true);
        poller.join();

        assertThat(violations).as("after %d polls", polls[0]).isEmpty();
        assertThat(polls[0]).as("the poller ran alongside").isPositive();
    }
}
