package io.synapsekit.transport.jdk;

import io.synapsekit.http.spi.HttpTransport;
import io.synapsekit.http.spi.TransportOptions;
import io.synapsekit.http.spi.TransportRequest;
import io.synapsekit.http.spi.TransportResponse;
import io.synapsekit.http.spi.TransportTimeoutException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An {@link HttpTransport} on one shared {@link HttpClient}: HTTP/2 over TLS (ALPN, falling back to HTTP/1.1),
 * HTTP/1.1 for plain {@code http://}.
 *
 * <p>{@link #send} blocks the caller until the headers arrive; the body is read by the caller through a
 * {@link QueueBodyInputStream}, so no thread is started per request. HttpClient runs the exchange on the caller's
 * thread until it has to wait for the socket; the rest of its work (delivering bytes to the queue) runs on virtual
 * threads, so no platform pool outlives a burst of requests. An exchange aborted by an interrupt or by closing its
 * body early has its connection closed at once, not at HttpClient's next selector wake-up (see
 * {@link SelectorWakeup}). Thread-safe.
 */
final class JdkHttpTransport implements HttpTransport {

    private static final Logger log = LoggerFactory.getLogger(JdkHttpTransport.class);

    /** Headers HttpClient sets itself and refuses from callers. */
    private static final Set<String> RESTRICTED = Set.of("connection", "content-length", "expect", "host",
            "upgrade");

    /** How long {@link #close()} waits for HttpClient's threads to end. */
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(5);

    private final ExecutorService executor;
    /** The executor's threads, alive or recently ended. */
    private final Set<Thread> executorThreads = ConcurrentHashMap.newKeySet();
    private final Duration connectTimeout;
    private final HttpClient client;
    /** Kept by each body; holds the client weakly (see SelectorWakeup). */
    private final Runnable wakeSelector;
    private final AtomicBoolean closed = new AtomicBoolean();

    JdkHttpTransport(TransportOptions options) {
        this(options, null);
    }

    /**
     * Creates a transport that trusts what {@code tls} trusts, or the JDK's defaults when it is {@code null}. Only
     * tests use a context of their own (a self-signed loopback server speaking HTTP/2), so this is not public.
     */
    JdkHttpTransport(TransportOptions options, javax.net.ssl.@Nullable SSLContext tls) {
        this.executor = httpClientExecutor(executorThreads);
        HttpClient.Builder builder = HttpClient.newBuilder();
        if (tls != null) {
            builder.sslContext(tls);
        }
        this.connectTimeout = options.connectTimeout();
        // No connectTimeout here: HttpClient keeps each plain connection's connect timer for the connection's life,
        // and the timer keeps the exchange that opened the connection (its request, response body and read
        // buffers, about 15 KiB) reachable while the connection is pooled. HeadersDeadline enforces the limit.
        this.client = builder
                .version(HttpClient.Version.HTTP_2)
                // A redirected POST would be re-sent as a GET or dropped; an LLM API that redirects is misconfigured,
                // and the caller should see the 3xx rather than a silently different request.
                .followRedirects(HttpClient.Redirect.NEVER)
                .cookieHandler(new SelectorWakeup()) // keeps no cookies; see SelectorWakeup
                .executor(executor)
                .build();
        wakeSelector = SelectorWakeup.waker(client);
    }

    /**
     * The executor of HttpClient's own tasks (completing a response, handing body buffers to the subscriber): a few
     * platform threads, since those tasks never block and a virtual thread per task added a hand-off through the
     * scheduler to every response's first bytes. Idle threads end after a while, so an unclosed transport holds none.
     * Each thread it started is noted in {@code started}, so that {@link #close()} can wait until they have ended.
     */
    private static ExecutorService httpClientExecutor(Set<Thread> started) {
        int threads = Math.max(2, Math.min(4, Runtime.getRuntime().availableProcessors()));
        ThreadFactory factory = Thread.ofPlatform().name("synapsekit-http-", 0).daemon(true).factory();
        ThreadPoolExecutor pool = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), runnable -> {
                    Thread t = factory.newThread(runnable);
                    t.setContextClassLoader(null); // never pins the class loader of the code that created it
                    started.removeIf(old -> !old.isAlive()); // ended ones: the set stays as small as the pool
                    started.add(t);
                    return t;
                });
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }

    @Override
    public TransportResponse send(TransportRequest request) throws IOException {
        // No HttpRequest.timeout(): HttpClient registers that as a timer on its selector and wakes the selector
        // thread for every request (HttpClientImpl.registerTimer), a cross-thread wake-up that showed up in the
        // time to first token of short requests. HeadersDeadline enforces the same limit.
        SentSignal sent = new SentSignal(request.body().length == 0 && request.method().equals("GET")
                ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofByteArray(request.body()));
        HttpRequest.Builder b = HttpRequest.newBuilder(request.uri()).method(request.method(), sent);
        if ("http".equalsIgnoreCase(request.uri().getScheme())) {
            // Over plain HTTP the JDK would try an h2c upgrade, which many servers (and proxies) mishandle;
            // LLM servers on http:// are local ones that speak HTTP/1.1 anyway.
            b.version(HttpClient.Version.HTTP_1_1);
        }
        request.headers().forEach((name, values) -> {
            if (RESTRICTED.contains(name.toLowerCase(Locale.ROOT))) {
                throw new IllegalArgumentException("header " + name + " is set by the transport, not by callers");
            }
            values.forEach(v -> b.header(name, v));
        });
        QueueBodyInputStream body = new QueueBodyInputStream(wakeSelector);
        AtomicReference<HttpResponse.@Nullable ResponseInfo> head = new AtomicReference<>();
        HttpResponse.BodyHandler<QueueBodyInputStream> handler = info -> {
            head.set(info); // the headers: status, names and version are all we need from the response
            return body.subscriber();
        };
        // send, not sendAsync: see HeadersDeadline for the hand-offs sendAsync adds and how the limit is kept.
        HeadersDeadline deadline = HeadersDeadline.start(connectTimeout, sent, request.headersTimeout());
        Throwable failure = null;
        try {
            client.send(b.build(), handler);
        } catch (InterruptedException | IOException | RuntimeException | Error e) {
            failure = e; // on an interrupt, send has aborted the exchange (its connection closed, never pooled)
        }
        if (deadline.stop()) { // the limit ran out, possibly just as the headers came: a timeout either way
            body.close();
            SelectorWakeup.wake(client); // send has aborted the exchange, or the body was just cancelled: see SelectorWakeup
            if (deadline.connectLimitRanOut()) {
                throw new TransportTimeoutException(TransportTimeoutException.Phase.CONNECT,
                        "connecting to " + request.uri() + " timed out", failure);
            }
            throw new TransportTimeoutException(TransportTimeoutException.Phase.HEADERS,
                    "no response headers from " + request.uri() + " within " + request.headersTimeout().toMillis()
                            + " ms", null);
        }
        if (failure == null) {
            return toResponse(request, head.get(), body);
        }
        if (failure instanceof InterruptedException e) {
            body.close();
            SelectorWakeup.wake(client); // send has aborted the exchange: see SelectorWakeup
            Thread.currentThread().interrupt();
            InterruptedIOException ie = new InterruptedIOException("interrupted while waiting for " + request.uri());
            ie.initCause(e);
            throw ie;
        }
        // send rethrows what failed the exchange as an IOException of its own with the same message; the
        // original names what happened (an EOFException, say), so report that one.
        Throwable e = failure.getClass() == IOException.class && failure.getCause() != null
                ? failure.getCause() : failure;
        if (e instanceof HttpConnectTimeoutException) {
            body.close();
            throw new TransportTimeoutException(TransportTimeoutException.Phase.CONNECT,
                    "connecting to " + request.uri() + " timed out", e);
        }
        HttpResponse.ResponseInfo arrived = head.get();
        if (e instanceof IOException io && arrived != null) {
            // The headers came and the body failed before the exchange completed (a short body cut off early): for
            // the caller this is a response whose body broke, not a request that never got through. Retrying it
            // would repeat a paid-for answer and lose the part already received, so hand back the response; its
            // body ends in this failure.
            body.fail(io);
            return toResponse(request, arrived, body);
        }
        body.close();
        if (e instanceof RuntimeException re) {
            throw re; // thrown by send on this thread (a bad request, say): its stack trace shows the caller
        }
        if (e instanceof Error err) {
            throw err;
        }
        throw new IOException(e.getClass().getSimpleName() + " for " + request.uri()
                + (e.getMessage() == null ? "" : ": " + e.getMessage()), e);
    }

    private static TransportResponse toResponse(TransportRequest request, HttpResponse.ResponseInfo response,
            QueueBodyInputStream body) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        response.headers().map().forEach((name, values) -> headers.put(name.toLowerCase(Locale.ROOT),
                List.copyOf(values)));
        log.debug("{} {} -> {} ({})", request.method(), request.uri(), response.statusCode(), response.version());
        return new JdkResponse(response.statusCode(), Map.copyOf(headers), body);
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            client.shutdownNow();
            executor.shutdownNow();
            long deadline = System.nanoTime() + CLOSE_WAIT.toNanos();
            try {
                // So that the selector thread and the executor's threads have ended when close returns (a container
                // checks right after). A pool counts a thread as gone a moment before the thread ends: join it.
                if (!client.awaitTermination(CLOSE_WAIT)) {
                    log.debug("HttpClient still terminating {} after close", CLOSE_WAIT);
                }
                executor.awaitTermination(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                for (Thread t : executorThreads) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0 || !t.join(Duration.ofNanos(left))) {
                        log.debug("HttpClient executor thread {} still running {} after close", t.getName(),
                                CLOSE_WAIT);
                        break;
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * A request body that records when HttpClient first asks for it: HttpClient asks its length when it writes the
     * request's headers and subscribes when it writes the body, both once the connection is open (TCP and TLS, or a
     * pooled connection), so until then the exchange is still connecting. (An empty body is never subscribed to.)
     */
    private static final class SentSignal implements HttpRequest.BodyPublisher, java.util.function.BooleanSupplier {
        private final HttpRequest.BodyPublisher body;
        private volatile boolean subscribed;

        SentSignal(HttpRequest.BodyPublisher body) {
            this.body = body;
        }

        @Override
        public long contentLength() {
            subscribed = true;
            return body.contentLength();
        }

        @Override
        public void subscribe(java.util.concurrent.Flow.Subscriber<? super java.nio.ByteBuffer> subscriber) {
            subscribed = true;
            body.subscribe(subscriber);
        }

        @Override
        public boolean getAsBoolean() {
            return subscribed;
        }
    }

    /** The status, headers and queue-backed body of one exchange. */
    private record JdkResponse(int status, Map<String, List<String>> headers, QueueBodyInputStream body)
            implements TransportResponse {
        @Override
        public void close() {
            body.close();
        }

        @Override
        public void closeAtContentEnd() {
            body.closeAtContentEnd();
        }
    }
}
