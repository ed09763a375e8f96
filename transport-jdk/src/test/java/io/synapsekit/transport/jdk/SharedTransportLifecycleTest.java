package io.synapsekit.transport.jdk;

import static org.assertj.core.api.Assertions.assertThat;

import io.synapsekit.SynapseKit;
import io.synapsekit.llm.LLM;
import io.synapsekit.llm.openai.OpenAILLM;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The shared JDK transport's threads, seen from a servlet container: they take no application's context class
 * loader (HttpClient's selector thread inherits no thread-locals and so takes the system class loader, on JDK 21
 * as on later ones; the timer thread takes the platform one), {@link SynapseKit#shutdown()} ends them, and a
 * client built before a shutdown works after it.
 */
class SharedTransportLifecycleTest {

    private static final String ANSWER = "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"hi\"}}]}\n\n"
            + "data: [DONE]\n\n";

    private final MockWebServer server = new MockWebServer();

    @BeforeEach
    void start() throws Exception {
        server.start();
        SynapseKit.shutdown(); // the next request creates the shared transport and the timer, from this test
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private MockResponse answer() {
        return new MockResponse.Builder().setHeader("Content-Type", "text/event-stream").body(ANSWER).build();
    }

    private String ask(LLM llm) {
        try (Stream<String> tokens = llm.stream("q")) {
            return tokens.collect(Collectors.joining());
        }
    }

    @Test
    void theSelectorThreadTakesNoApplicationsClassLoader() throws Exception {
        server.enqueue(answer());
        Set<Thread> before = Thread.getAllStackTraces().keySet();
        ClassLoader application = new URLClassLoader(new URL[0], getClass().getClassLoader());
        AtomicReference<Object> result = new AtomicReference<>();
        Thread request = new Thread(() -> {
            try {
                result.set(ask(OpenAILLM.builder().baseUrl(server.url("/v1").toString()).apiKey("k").model("m")
                        .build()));
            } catch (RuntimeException e) {
                result.set(e);
            }
        });
        request.setContextClassLoader(application); // as a container's request thread has
        request.start();
        request.join(10_000);

        assertThat(result.get()).isEqualTo("hi");
        List<Thread> started = libraryThreads(before);
        assertThat(started).extracting(Thread::getName).anyMatch(n -> n.startsWith("HttpClient-"));
        assertThat(started).allSatisfy(t -> assertThat(t.getContextClassLoader()).as(t.getName())
                .isNotSameAs(application));
    }

    @Test
    void shutdownEndsTheThreadsAndAClientBuiltBeforeItWorksAfterIt() throws Exception {
        Set<Thread> before = Thread.getAllStackTraces().keySet();
        LLM llm = OpenAILLM.builder().baseUrl(server.url("/v1").toString()).apiKey("k").model("m").build();
        server.enqueue(answer());
        assertThat(ask(llm)).isEqualTo("hi");
        assertThat(libraryThreads(before)).extracting(Thread::getName)
                .anyMatch(n -> n.startsWith("HttpClient-")).contains("synapsekit-timer");

        SynapseKit.shutdown();
        assertThat(libraryThreads(before)).as("threads alive when shutdown returns").isEmpty();
        SynapseKit.shutdown(); // idempotent

        server.enqueue(answer());
        assertThat(ask(llm)).isEqualTo("hi");
        assertThat(libraryThreads(before)).extracting(Thread::getName).anyMatch(n -> n.startsWith("HttpClient-"));
    }

    private static List<Thread> libraryThreads(Set<Thread> before) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> !before.contains(t) && t.isAlive())
                .filter(t -> t.getName().startsWith("synapsekit-") || t.getName().startsWith("HttpClient-"))
                .toList();
    }
}
