package io.synapsekit.servlet;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.synapsekit.server.SseResponse;
import java.io.InputStream;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Spliterator;
import java.util.Set;
import java.util.Spliterators;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Open SSE streams are bounded by memory, not by the container's request threads: 2,000 streams at once, each
 * held open by a source that sends one event and then waits, on Tomcat and on Jetty with their default pools of
 * at most 200 platform threads. Every stream gets its first event while all are open; once the clients hang up,
 * every source is closed and no request thread or streaming thread of ours is left busy.
 */
class ConcurrentStreamsTest {

    private static final int STREAMS = 2_000;
    private static final Duration ALL_OPEN_WITHIN = Duration.ofSeconds(60);
    private static final Duration RELEASED_WITHIN = Duration.ofSeconds(30);

    @ParameterizedTest
    @EnumSource(Container.Kind.class)
    void twoThousandStreamsAreOpenAtOnceOnTheDefaultPool(Container.Kind kind) throws Exception {
        AtomicInteger openSources = new AtomicInteger();
        // The threads that called the answer function and that read the sources: all must end. (Not found with a
        // thread dump: JDK 25.0.3 crashed dumping thousands of virtual threads as they ended.)
        Set<Thread> streaming = ConcurrentHashMap.newKeySet();
        // A short keep-alive, so that the hang-ups below are noticed soon after.
        SseServlet servlet = SseServlet.tokens(query -> {
            streaming.add(Thread.currentThread());
            return heldOpen(openSources, streaming);
        })
                .withResponse(SseResponse.builder().keepAlive(Duration.ofMillis(200)).build());
        CountDownLatch firstEvents = new CountDownLatch(STREAMS);
        CountDownLatch hangUp = new CountDownLatch(1);
        try (Container server = kind.start(servlet, List.of());
                ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
            int idleBusy = server.busyThreads(); // Jetty counts its acceptor and selector as busy
            List<Future<Boolean>> browsers = new ArrayList<>();
            for (int i = 0; i < STREAMS; i++) {
                browsers.add(clients.submit(() -> {
                    try (Socket browser = new Socket("127.0.0.1", server.port())) {
                        browser.getOutputStream().write(("GET /stream?query=q HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                + "Accept: text/event-stream\r\n\r\n").getBytes(UTF_8));
                        if (!readUntil(browser.getInputStream(), "data: first\n")) {
                            return false;
                        }
                        firstEvents.countDown();
                        hangUp.await();
                        return true;
                    }
                }));
            }

            boolean allFirst = firstEvents.await(ALL_OPEN_WITHIN.toSeconds(), TimeUnit.SECONDS);
            int openWhenAllHadTheirFirst = openSources.get();
            hangUp.countDown();
            assertThat(allFirst).as("%s streams got their first event while all were open on %s (%d did not)",
                    STREAMS, server, firstEvents.getCount()).isTrue();
            assertThat(openWhenAllHadTheirFirst).as("sources open at once").isEqualTo(STREAMS);
            for (Future<Boolean> browser : browsers) {
                assertThat(browser.get()).isTrue();
            }

            // Wait for the moment everything is released, and check that reading: the container's pool keeps
            // serving the hang-ups' connection closes for a while, so a second reading may catch a thread busy
            // with one of them, which is not a thread of ours left behind.
            long deadline = System.nanoTime() + RELEASED_WITHIN.toNanos();
            int busy;
            while (((busy = server.busyThreads()) > idleBusy || openSources.get() > 0
                    || streaming.stream().anyMatch(Thread::isAlive)) && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            assertThat(openSources).as("sources still open").hasValue(0);
            assertThat(busy).as("busy request threads").isLessThanOrEqualTo(idleBusy);
            assertThat(streaming.stream().filter(Thread::isAlive).map(Thread::toString))
                    .as("streaming threads still alive").isEmpty();
        }
    }

    /** Reads until {@code marker} has been seen; false if the stream ended first. */
    private static boolean readUntil(InputStream in, String marker) throws Exception {
        StringBuilder seen = new StringBuilder();
        while (seen.indexOf(marker) < 0) {
            int b = in.read();
            if (b < 0) {
                return false;
            }
            seen.append((char) b);
        }
        return true;
    }

    /** A source that sends "first" and then nothing until it is closed; counts the open ones, notes its reader. */
    private static Stream<String> heldOpen(AtomicInteger open, Set<Thread> readers) {
        open.incrementAndGet();
        CountDownLatch closed = new CountDownLatch(1);
        Iterator<String> first = new Iterator<>() {
            private boolean sent;

            @Override
            public boolean hasNext() {
                readers.add(Thread.currentThread());
                if (!sent) {
                    return true;
                }
                try {
                    closed.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return false;
            }

            @Override
            public String next() {
                sent = true;
                return "first";
            }
        };
        return StreamSupport.stream(Spliterators.spliteratorUnknownSize(first, Spliterator.ORDERED), false)
                .onClose(() -> {
                    closed.countDown();
                    open.decrementAndGet();
                });
    }
}
