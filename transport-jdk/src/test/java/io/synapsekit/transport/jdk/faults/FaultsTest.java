package io.synapsekit.transport.jdk.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.synapsekit.llm.ConnectionException;
import io.synapsekit.llm.LLM;
import io.synapsekit.llm.LLMException;
import io.synapsekit.llm.LLMStream;
import io.synapsekit.llm.LLMTimeoutException;
import io.synapsekit.llm.ProviderErrorException;
import io.synapsekit.llm.ServerException;
import io.synapsekit.llm.TruncatedStreamException;
import io.synapsekit.llm.openai.OpenAILLM;
import io.synapsekit.testing.OpenAIWire;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Network faults, each played by a scripted loopback server against the real {@link OpenAILLM} over the JDK
 * transport. Every fault must end in the documented typed error, carrying exactly the text delivered before it,
 * within its time limit (never a hang), and leave no connection open on the server's side.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class FaultsTest {

    static final String KEY = "sk-faults-secret-4711";
    /** Slack on every time limit: scheduling on a loaded 2-core machine, never the limit itself. */
    private static final Duration SLACK = Duration.ofSeconds(3);

    private FaultServer server;

    @AfterEach
    void noConnectionLeftOpen() throws Exception {
        if (server != null) {
            server.closeVerified();
        }
    }

    private OpenAILLM.Builder llm() {
        return OpenAILLM.builder().baseUrl(server.url() + "/v1").apiKey(KEY).model("gpt-4o-mini")
                .retryDelays(Duration.ofMillis(1), Duration.ofMillis(10));
    }

    /** Reads {@code stream} to its end into {@code seen}; returns the error it ended in, or fails. */
    private static LLMException failureOf(LLMStream stream, List<String> seen) {
        try (stream) {
            while (stream.hasNext()) {
                seen.add(stream.next());
            }
        } catch (LLMException e) {
            return e;
        }
        throw new AssertionError("the stream ended without an error after " + seen);
    }

    @Test
    void resetMidStreamIsATruncatedStreamWithExactlyTheTokensRead() throws Exception {
        CountDownLatch readThree = new CountDownLatch(1);
        server = new FaultServer(x -> {
            x.headers(200, "text/event-stream").write(OpenAIWire.role() + OpenAIWire.tokens(OpenAIWire.numbered(3)));
            readThree.await(10, TimeUnit.SECONDS);
            x.reset();
        });
        List<String> seen = new ArrayList<>();
        LLMStream stream = llm().build().open("hi");
        for (int i = 0; i < 3; i++) {
            assertThat(stream.hasNext()).isTrue();
            seen.add(stream.next());
        }
        readThree.countDown(); // only now does the server reset, so no token can be lost in the kernel's buffers

        LLMException e = failureOf(stream, seen);

        assertThat(e).isInstanceOf(TruncatedStreamException.class);
        assertThat(e.partialText()).isEqualTo("t0 t1 t2 ").isEqualTo(String.join("", seen));
        assertThat(e.getMessage()).startsWith("openai: ").doesNotContain(KEY);
        assertThat(server.requests()).as("never retried after a token").isEqualTo(1);
    }

    @Test
    void closeBeforeHeadersIsARetriedConnectionException() throws Exception {
        server = new FaultServer(x -> x.reset());
        long start = System.nanoTime();

        assertThatThrownBy(() -> llm().maxRetries(2).build().generate("hi"))
                .isInstanceOfSatisfying(ConnectionException.class, e -> {
                    assertThat(e.partialText()).isEmpty();
                    assertThat(e.isRetryable()).isTrue();
                    assertThat(e.getMessage()).startsWith("openai: ").doesNotContain(KEY);
                });
        assertThat(server.requests()).as("the first attempt and two retries").isEqualTo(3);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(SLACK);
    }

    @Test
    void orderlyCloseBeforeHeadersIsAConnectionExceptionToo() throws Exception {
        server = new FaultServer(x -> { }); // the script ends: the server closes its socket with a FIN

        assertThatThrownBy(() -> llm().maxRetries(0).build().generate("hi"))
                .isInstanceOf(ConnectionException.class);
        assertThat(server.requests()).isEqualTo(1);
    }

    @Test
    void closeAfterHeadersBeforeAnyEventIsATruncatedStreamWithNoText() throws Exception {
        server = new FaultServer(x -> x.headers(200, "text/event-stream"));

        assertThatThrownBy(() -> llm().build().generate("hi"))
                .isInstanceOfSatisfying(TruncatedStreamException.class, e -> {
                    assertThat(e.partialText()).isEmpty();
                    assertThat(e.getMessage()).contains("without any SSE event");
                });
        assertThat(server.requests()).as("a 200 is never retried: the answer may have been paid for").isEqualTo(1);
    }

    @Test
    void stallAfterHeadersAndTokensFiresTheIdleTimeoutWithThePartialText() throws Exception {
        CountDownLatch clientGone = new CountDownLatch(1);
        server = new FaultServer(x -> {
            x.headers(200, "text/event-stream").write(OpenAIWire.role() + OpenAIWire.tokens(List.of("Hel", "lo")));
            if (x.awaitClientGone(Duration.ofSeconds(20))) {
                clientGone.countDown();
            }
        });
        Duration idle = Duration.ofMillis(300);
        List<String> seen = new ArrayList<>();
        long start = System.nanoTime();

        LLMException e = failureOf(llm().idleTimeout(idle).build().open("hi"), seen);

        assertThat(e).isInstanceOfSatisfying(LLMTimeoutException.class, t -> {
            assertThat(t.kind()).isEqualTo(LLMTimeoutException.Kind.IDLE);
            assertThat(t.limit()).isEqualTo(idle);
            assertThat(t.isRetryable()).as("text was delivered").isFalse();
        });
        assertThat(e.partialText()).isEqualTo("Hello");
        assertThat(seen).containsExactly("Hel", "lo");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(idle, idle.plus(SLACK));
        assertThat(clientGone.await(5, TimeUnit.SECONDS)).as("the server saw the client leave").isTrue();
    }

    @Test
    void stallBeforeHeadersFiresTheHeadersTimeoutWithinTheFirstTokenLimit() throws Exception {
        CountDownLatch clientsGone = new CountDownLatch(2);
        server = new FaultServer(x -> {
            if (x.awaitClientGone(Duration.ofSeconds(20))) {
                clientsGone.countDown();
            }
        });
        Duration firstToken = Duration.ofMillis(400);
        long start = System.nanoTime();

        assertThatThrownBy(() -> llm().firstTokenTimeout(firstToken).maxRetries(1).build().generate("hi"))
                .isInstanceOfSatisfying(LLMTimeoutException.class, t -> {
                    assertThat(t.kind()).isEqualTo(LLMTimeoutException.Kind.HEADERS);
                    assertThat(t.limit()).isEqualTo(firstToken);
                    assertThat(t.partialText()).isEmpty();
                });
        assertThat(server.requests()).as("nothing was delivered, so it was retried once").isEqualTo(2);
        assertThat(Duration.ofNanos(System.nanoTime() - start))
                .isBetween(firstToken.multipliedBy(2), firstToken.multipliedBy(2).plus(SLACK));
        assertThat(clientsGone.await(5, TimeUnit.SECONDS)).as("both timed-out exchanges closed their connection")
                .isTrue();
    }

    @Test
    void aServerThatNeverAcceptsFiresTheConnectTimeout() throws Exception {
        // A listening socket whose accept queue is full and never drained: the kernel drops further SYNs, so the
        // client's connect hangs until its own limit, as with a black-holed host.
        try (ServerSocket full = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            List<Socket> fillers = new ArrayList<>();
            try {
                for (int i = 0; i < 8; i++) {
                    Socket s = new Socket();
                    try {
                        s.connect(full.getLocalSocketAddress(), 200);
                        fillers.add(s);
                    } catch (java.net.SocketTimeoutException queueFull) {
                        s.close();
                        break;
                    }
                }
                Duration connect = Duration.ofMillis(300);
                LLM llm = OpenAILLM.builder().apiKey(KEY).model("m")
                        .baseUrl("http://127.0.0.1:" + full.getLocalPort() + "/v1").connectTimeout(connect)
                        .maxRetries(0).build();
                long start = System.nanoTime();

                assertThatThrownBy(() -> llm.generate("hi")).isInstanceOfSatisfying(LLMTimeoutException.class,
                        t -> assertThat(t.kind()).isEqualTo(LLMTimeoutException.Kind.CONNECT));
                assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(connect, connect.plus(SLACK));
            } finally {
                for (Socket s : fillers) {
                    s.close();
                }
            }
        }
    }

    @Test
    void oneByteChunksGiveExactlyTheAnswerSent() throws Exception {
        List<String> tokens = List.of("Hé", "llo", " 😀", "\n\ndata: not an event\n\n", " wörld", "!");
        server = new FaultServer(x -> x.headers(200, "text/event-stream").writeBytewise(OpenAIWire.answer(tokens)));

        try (LLMStream stream = llm().build().open("hi")) {
            List<String> seen = new ArrayList<>();
            stream.forEachRemaining(seen::add);
            assertThat(seen).isEqualTo(tokens);
            assertThat(stream.finishReason()).contains("stop");
        }
    }

    @Test
    void aBodyOfKeepAlivesThatNeverSendsATokenFiresTheFirstTokenTimeout() throws Exception {
        CountDownLatch clientGone = new CountDownLatch(1);
        server = new FaultServer(x -> {
            x.headers(200, "text/event-stream").write(OpenAIWire.role());
            try {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                while (System.nanoTime() < deadline) {
                    x.write(": keep-alive\n\n");
                    TimeUnit.MILLISECONDS.sleep(20); // the server's pace, not synchronisation
                }
            } catch (java.net.SocketException gone) {
                clientGone.countDown();
            }
        });
        Duration firstToken = Duration.ofMillis(500);
        long start = System.nanoTime();

        // the keep-alives are activity, so the idle limit (shorter!) never fires; only the first-token one can
        LLMException e = failureOf(llm().firstTokenTimeout(firstToken).idleTimeout(Duration.ofMillis(200)).build()
                .open("hi"), new ArrayList<>());

        assertThat(e).isInstanceOfSatisfying(LLMTimeoutException.class,
                t -> assertThat(t.kind()).isEqualTo(LLMTimeoutException.Kind.FIRST_TOKEN));
        assertThat(e.partialText()).isEmpty();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(firstToken, firstToken.plus(SLACK));
        assertThat(clientGone.await(5, TimeUnit.SECONDS)).as("the server saw the client leave").isTrue();
    }

    @Test
    void aTotalTimeoutEndsABodyThatTrickesTokensForever() throws Exception {
        server = new FaultServer(x -> {
            x.headers(200, "text/event-stream").write(OpenAIWire.role());
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            for (int i = 0; System.nanoTime() < deadline; i++) {
                x.write(OpenAIWire.token("t" + i + " "));
                TimeUnit.MILLISECONDS.sleep(10); // the server's pace
            }
        });
        Duration total = Duration.ofMillis(600);
        List<String> seen = new ArrayList<>();
        long start = System.nanoTime();

        LLMException e = failureOf(llm().totalTimeout(total).build().open("hi"), seen);

        assertThat(e).isInstanceOfSatisfying(LLMTimeoutException.class,
                t -> assertThat(t.kind()).isEqualTo(LLMTimeoutException.Kind.TOTAL));
        assertThat(seen).isNotEmpty();
        assertThat(e.partialText()).isEqualTo(String.join("", seen));
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(total, total.plus(SLACK));
    }

    @Test
    void aSuccessfulStatusWithAnErrorJsonBodyIsAProviderErrorWithItsMessage() throws Exception {
        server = new FaultServer(x -> x.headers(200, "application/json")
                .write("{\"error\":{\"message\":\"model not allowed\",\"type\":\"invalid_request_error\"}}"));

        assertThatThrownBy(() -> llm().build().generate("hi"))
                .isInstanceOfSatisfying(ProviderErrorException.class, e -> {
                    assertThat(e.partialText()).isEmpty();
                    assertThat(e.errorType()).isEqualTo("invalid_request_error");
                    assertThat(e.getMessage()).isEqualTo("openai: model not allowed");
                });
        assertThat(server.requests()).as("not an error that passes with time").isEqualTo(1);
    }

    @Test
    void anErrorChunkAfterTokensIsATypedErrorWithThePartialTextNeverRetried() throws Exception {
        server = new FaultServer(x -> x.headers(200, "text/event-stream").write(OpenAIWire.role()
                + OpenAIWire.tokens(List.of("par", "tial")) + OpenAIWire.chunk(
                        "{\"error\":{\"message\":\"model overloaded\",\"type\":\"server_error\"}}")));
        List<String> seen = new ArrayList<>();

        LLMException e = failureOf(llm().build().open("hi"), seen);

        assertThat(e).isInstanceOf(ServerException.class);
        assertThat(e.isRetryable()).as("text was delivered").isFalse();
        assertThat(e.getMessage()).contains("model overloaded").contains("server_error");
        assertThat(e.partialText()).isEqualTo("partial");
        assertThat(server.requests()).isEqualTo(1);
    }

    @Test
    void aRedirectIsNotFollowedAndIsATypedErrorWithItsStatus() throws Exception {
        server = new FaultServer(x -> x.headers(307, "text/plain", "Location: http://127.0.0.1:1/v1/elsewhere",
                "Content-Length: 0"));

        assertThatThrownBy(() -> llm().build().generate("hi")).isInstanceOfSatisfying(LLMException.class, e -> {
            assertThat(e.httpStatus()).hasValue(307);
            assertThat(e.isRetryable()).isFalse();
            assertThat(e.partialText()).isEmpty();
        });
        assertThat(server.requests()).as("the POST was neither re-sent nor followed").isEqualTo(1);
    }

    @Test
    void aWrongContentTypeIsATruncatedStreamNamingIt() throws Exception {
        server = new FaultServer(x -> x.headers(200, "text/html; charset=utf-8")
                .write("<html><body>Please log in to the proxy</body></html>\n"));

        assertThatThrownBy(() -> llm().build().generate("hi"))
                .isInstanceOfSatisfying(TruncatedStreamException.class,
                        e -> assertThat(e.getMessage()).contains("text/html"));
    }

    @Test
    void aChunkThatIsNotJsonIsMalformedWithThePartialText() throws Exception {
        server = new FaultServer(x -> x.headers(200, "text/event-stream")
                .write(OpenAIWire.role() + OpenAIWire.token("ok ") + "data: {\"choices\": [tru\n\n"));
        List<String> seen = new ArrayList<>();

        LLMException e = failureOf(llm().build().open("hi"), seen);

        assertThat(e).isInstanceOf(io.synapsekit.llm.MalformedChunkException.class);
        assertThat(e.partialText()).isEqualTo("ok ");
        assertThat(e.getMessage()).contains("{\"choices\": [tru").doesNotContain(KEY);
    }
}
