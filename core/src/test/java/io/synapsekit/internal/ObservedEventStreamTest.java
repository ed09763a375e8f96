package io.synapsekit.internal;

import static io.synapsekit.internal.ScriptedTransport.sse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.synapsekit.llm.ConnectionException;
import io.synapsekit.llm.GenerateOptions;
import io.synapsekit.llm.LLMEvent;
import io.synapsekit.llm.LLMStream;
import io.synapsekit.llm.TruncatedStreamException;
import io.synapsekit.llm.openai.OpenAILLM;
import io.synapsekit.observe.LLMCall;
import io.synapsekit.observe.LLMCallListener;
import io.synapsekit.observe.LLMListener;
import io.synapsekit.observe.Scope;
import io.synapsekit.stream.CloseableIterator;
import io.synapsekit.testlog.CapturedLogs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.net.URLClassLoader;
import java.net.URL;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.event.Level;

/** The listener SPI as the shared client drives it: what listeners hear, in which order, and that they never break a stream. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ObservedEventStreamTest {

    private static final String FINISH = StreamLifecycleTest.FINISH;
    private static final String USAGE = StreamLifecycleTest.USAGE;

    private final ScriptedTransport transport = new ScriptedTransport();
    private final Recorder recorder = new Recorder();

    /** Writes what it hears into a queue, one line per callback; marks the thread while its scope is open. */
    static final class Recorder implements LLMListener {
        static final ThreadLocal<@Nullable String> CURRENT = new ThreadLocal<>();
        final LinkedBlockingQueue<String> heard = new LinkedBlockingQueue<>();
        final List<LLMCall> calls = new ArrayList<>();

        @Override
        public LLMCallListener callStarted(LLMCall call) {
            calls.add(call);
            heard.add("started " + call.provider() + " " + call.operation() + " " + call.model());
            return new LLMCallListener() {
                @Override
                public Scope enter() {
                    String before = CURRENT.get();
                    CURRENT.set("call " + call.model());
                    return () -> CURRENT.set(before);
                }

                @Override
                public void response(@Nullable String id, @Nullable String model) {
                    heard.add("response " + id + " " + model);
                }

                @Override
                public void firstChunk() {
                    heard.add("first");
                }

                @Override
                public void chunk(LLMEvent event) {
                    heard.add("chunk " + event.getClass().getSimpleName());
                }

                @Override
                public void usage(LLMEvent.Usage usage) {
                    heard.add("usage " + usage.promptTokens() + "/" + usage.completionTokens());
                }

                @Override
                public void finished(@Nullable String reason) {
                    heard.add("finished " + reason);
                }

                @Override
                public void failed(RuntimeException error, int partialTextLength) {
                    heard.add("failed " + error.getClass().getSimpleName() + " " + partialTextLength);
                }

                @Override
                public void cancelled(int partialTextLength) {
                    heard.add("cancelled " + partialTextLength);
                }

                @Override
                public void abandoned(int partialTextLength) {
                    heard.add("abandoned " + partialTextLength + " on " + Thread.currentThread().getName());
                }
            };
        }
    }

    /** Fails in every callback. */
    static final class Broken implements LLMListener {
        @Override
        public LLMCallListener callStarted(LLMCall call) {
            return new LLMCallListener() {
                @Override
                public Scope enter() {
                    throw new IllegalStateException("broken enter");
                }

                @Override
                public void firstChunk() {
                    throw new IllegalStateException("broken first");
                }

                @Override
                public void chunk(LLMEvent event) {
                    throw new IllegalStateException("broken chunk");
                }

                @Override
                public void usage(LLMEvent.Usage usage) {
                    throw new IllegalStateException("broken usage");
                }

                @Override
                public void finished(@Nullable String reason) {
                    throw new IllegalStateException("broken finish");
                }
            };
        }
    }

    /** A listener found by the ServiceLoader test. */
    public static final class Discovered implements LLMListener {
        @Override
        public LLMCallListener callStarted(LLMCall call) {
            return LLMCallListener.NONE;
        }
    }

    private OpenAILLM.Builder llm() {
        return OpenAILLM.builder().baseUrl("http://127.0.0.1:9/v1").apiKey("sk-observe-1").model("m")
                .transport(transport).retryDelays(Duration.ofMillis(1), Duration.ofMillis(20));
    }

    private List<String> heard() {
        List<String> all = new ArrayList<>();
        recorder.heard.drainTo(all);
        return all;
    }

    @AfterEach
    void nothingElseHeard() {
        assertThat(recorder.heard).as("callbacks no test looked at").isEmpty();
    }

    @Test
    void aWholeAnswerIsHeardInOrderThenFinishedWithItsReason() {
        ScriptedTransport.Body body = new ScriptedTransport.Body()
                .feed(StreamLifecycleTest.token("Hel") + StreamLifecycleTest.token("lo") + FINISH + USAGE
                        + "data: [DONE]\n\n");
        List<String> scopeAtSend = new ArrayList<>();
        transport.then(r -> {
            scopeAtSend.add(String.valueOf(Recorder.CURRENT.get()));
            return sse(body);
        });
        GenerateOptions options = GenerateOptions.builder().temperature(0.5).maxTokens(9).build();
        try (LLMStream s = llm().listener(recorder).build().open("hi", options)) {
            List<String> tokens = new ArrayList<>();
            s.forEachRemaining(tokens::add);
            assertThat(tokens).containsExactly("Hel", "lo");
        }
        assertThat(heard()).containsExactly("started openai chat m", "first", "chunk Token", "chunk Token",
                "chunk Finish", "usage 3/2", "chunk Usage", "finished stop");
        assertThat(recorder.calls.get(0).options()).isEqualTo(options);
        assertThat(recorder.calls.get(0).serverAddress()).isEqualTo("127.0.0.1");
        assertThat(recorder.calls.get(0).serverPort()).isEqualTo(9);
        assertThat(scopeAtSend).as("the call's scope is current while the request is sent").containsExactly("call m");
        assertThat(Recorder.CURRENT.get()).as("and closed after").isNull();
    }

    @Test
    void theResponseIdAndModelAreHeardOnceBeforeTheFirstChunk() {
        // Every chunk repeats them; the decoder reads them from the first one only.
        ScriptedTransport.Body body = new ScriptedTransport.Body()
                .feed(io.synapsekit.testing.OpenAIWire.answer("Hel", "lo"));
        transport.then(r -> sse(body));
        try (LLMStream s = llm().listener(recorder).build().open("hi")) {
            s.forEachRemaining(t -> { });
        }
        assertThat(heard()).containsExactly("started openai chat m", "response chatcmpl-1 gpt-4o-mini", "first",
                "chunk Token", "chunk Token", "chunk Finish", "usage 9/2", "chunk Usage", "finished stop");
    }

    @Test
    void aStreamDroppedWithoutCloseIsHeardAsAbandonedOnce() throws InterruptedException {
        ScriptedTransport.Body body = new ScriptedTransport.Body().feed(StreamLifecycleTest.token("abc")
                + StreamLifecycleTest.token("d"));
        transport.then(r -> sse(body));
        readOneTokenAndDrop(llm().listener(recorder).build());
        assertThat(heard()).containsExactly("started openai chat m", "first", "chunk Token");

        String abandoned = null;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (abandoned == null && System.nanoTime() < deadline) {
            System.gc();
            abandoned = recorder.heard.poll(50, TimeUnit.MILLISECONDS);
        }
        assertThat(abandoned).as("heard once the collector found the stream").isNotNull()
                .startsWith("abandoned 3 on ").doesNotEndWith("on " + Thread.currentThread().getName());
    }

    /** Reads one token of a stream and lets it go, in a frame of its own so that nothing still holds it. */
    private static void readOneTokenAndDrop(OpenAILLM llm) {
        LLMStream s = llm.open("hi");
        assertThat(s.next()).isEqualTo("abc");
    }

    @Test
    void theFirstChunkIsHeardWhenItIsReadNotWhenTheCallerAsksForIt() {
        ScriptedTransport.Body body = new ScriptedTransport.Body().feed(StreamLifecycleTest.token("a"));
        transport.then(r -> sse(body));
        try (CloseableIterator<LLMEvent> events = llm().listener(recorder).build().eventIterator(
                List.of(io.synapsekit.llm.ChatMessage.user("hi")), GenerateOptions.defaults())) {
            assertThat(events.hasNext()).isTrue();
            assertThat(heard()).containsExactly("started openai chat m", "first", "chunk Token");
            assertThat(events.next()).isEqualTo(new LLMEvent.Token("a"));
            assertThat(recorder.heard).as("next() hands over what hasNext() read and heard").isEmpty();
        }
        assertThat(heard()).containsExactly("cancelled 1");
    }

    @Test
    void anEarlyCloseIsHeardAsCancelledWithThePartialLength() {
        ScriptedTransport.Body body = new ScriptedTransport.Body().feed(StreamLifecycleTest.token("abc")
                + StreamLifecycleTest.token("d"));
        transport.then(r -> sse(body));
        LLMStream s = llm().listener(recorder).build().open("hi");
        assertThat(s.next()).isEqualTo("abc");
        s.close();
        s.close();
        assertThat(body.closed).isTrue();
        List<String> heard = heard();
        assertThat(heard.get(heard.size() - 1)).isEqualTo("cancelled 3");
        assertThat(heard).filteredOn(h -> h.startsWith("cancelled") || h.startsWith("finished")).hasSize(1);
    }

    @Test
    void aCloseFromAnotherThreadWhileTheReaderWaitsIsHeardOnceAsCancelled() throws Exception {
        ScriptedTransport.Body body = new ScriptedTransport.Body().feed(StreamLifecycleTest.token("ab"));
        transport.then(r -> sse(body));
        LLMStream s = llm().listener(recorder).build().open("hi");
        assertThat(s.next()).isEqualTo("ab");
        LinkedBlockingQueue<Object> outcome = new LinkedBlockingQueue<>();
        Thread reader = Thread.ofVirtual().start(() -> {
            try {
                outcome.add(s.hasNext());
            } catch (RuntimeException e) {
                outcome.add(e);
            }
        });
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (reader.getState() != Thread.State.WAITING && reader.getState() != Thread.State.TIMED_WAITING) {
            assertThat(System.nanoTime()).as("the reader blocks in a read").isLessThan(deadline);
            Thread.onSpinWait();
        }
        s.close();
        assertThat(outcome.poll(5, TimeUnit.SECONDS)).isEqualTo(false);
        assertThat(heard()).containsExactly("started openai chat m", "first", "chunk Token", "cancelled 2");
    }

    @Test
    void aStreamCutMidwayIsHeardAsFailedWithTheTypedErrorAndPartialLength() {
        ScriptedTransport.Body body = new ScriptedTransport.Body().feed(StreamLifecycleTest.token("ab"))
                .fail(new IOException("connection reset"));
        transport.then(r -> sse(body));
        try (LLMStream s = llm().listener(recorder).build().open("hi")) {
            assertThat(s.next()).isEqualTo("ab");
            assertThatThrownBy(s::next).isInstanceOf(TruncatedStreamException.class);
        }
        assertThat(heard()).containsExactly("started openai chat m", "first", "chunk Token",
                "failed TruncatedStreamException 2");
    }

    @Test
    void aFailureBeforeTheStreamIsHeardAsFailed() {
        transport.then(r -> {
            throw new IOException("refused");
        });
        assertThatThrownBy(() -> llm().maxRetries(0).listener(recorder).build().open("hi"))
                .isInstanceOf(ConnectionException.class);
        assertThat(heard()).containsExactly("started openai chat m", "failed ConnectionException 0");
    }

    @Test
    void aListenerThatFailsEverywhereNeitherBreaksTheStreamNorOtherListeners() {
        ScriptedTransport.Body body = new ScriptedTransport.Body()
                .feed(StreamLifecycleTest.token("Hel") + StreamLifecycleTest.token("lo") + FINISH + USAGE
                        + "data: [DONE]\n\n");
        transport.then(r -> sse(body));
        int logged = CapturedLogs.matching(Level.WARN, Broken.class.getName()).size();
        try (LLMStream s = llm().listener(new Broken()).listener(recorder).build().open("hi")) {
            assertThat(s.stream().toList()).containsExactly("Hel", "lo");
            assertThat(s.finishReason()).contains("stop");
        }
        assertThat(heard()).containsExactly("started openai chat m", "first", "chunk Token", "chunk Token",
                "chunk Finish", "usage 3/2", "chunk Usage", "finished stop");
        assertThat(CapturedLogs.matching(Level.WARN, Broken.class.getName()).size() - logged)
                .as("logged once, not once per callback").isLessThanOrEqualTo(1);
        assertThat(CapturedLogs.matching(Level.WARN, Broken.class.getName())).isNotEmpty();
    }

    @Test
    void withNoListenerTheStreamIsNotWrapped() {
        ScriptedTransport.Body body = new ScriptedTransport.Body().feed(StreamLifecycleTest.token("a"));
        transport.then(r -> sse(body));
        try (CloseableIterator<LLMEvent> events = llm().build().eventIterator(
                List.of(io.synapsekit.llm.ChatMessage.user("hi")), GenerateOptions.defaults())) {
            assertThat(events).isInstanceOf(HttpEventStream.class);
        }
    }

    @Test
    void providersNamedInMetaInfServicesAreFound(@TempDir Path dir) throws Exception {
        Path services = dir.resolve("META-INF/services/" + LLMListener.class.getName());
        Files.createDirectories(services.getParent());
        Files.writeString(services, Discovered.class.getName() + "\nno.such.Listener\n");
        try (URLClassLoader loader = new URLClassLoader(new URL[] {dir.toUri().toURL()},
                getClass().getClassLoader())) {
            assertThat(Observers.load(loader)).as("the bad entry is skipped, the good one found")
                    .singleElement().isInstanceOf(Discovered.class);
        }
    }
}
