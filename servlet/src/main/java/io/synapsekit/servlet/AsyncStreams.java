package io.synapsekit.servlet;

import io.synapsekit.server.SseOutcome;
import io.synapsekit.server.SseResponse;
import io.synapsekit.server.SseSink;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How our servlets stream a response without holding a container thread: the request goes asynchronous and a
 * virtual thread of its own writes the stream, then completes it; the container's report that the client went
 * away interrupts that thread. Shared by {@link SseServlet} and {@link UiMessageServlet}; see {@link SseServlet}
 * for what each container reports and when.
 */
final class AsyncStreams {

    private static final Logger log = LoggerFactory.getLogger(AsyncStreams.class);

    /** The threads that write the streams, one per request; virtual, so a blocked one costs only its stack. */
    private static final ThreadFactory WRITERS = Thread.ofVirtual().name("synapsekit-sse-request-", 0).factory();

    /** Whether the missing async support has been logged: once per class loader is enough to be seen. */
    private static final AtomicBoolean TOLD_ABOUT_ASYNC = new AtomicBoolean();

    private AsyncStreams() {
    }

    /** What runs on the writing thread: writes a stream to the sink, blocking until it is done. */
    @FunctionalInterface
    interface Relay {
        void run(SseSink sink);
    }

    /**
     * Frees the container's thread: the request goes asynchronous and {@code relay} runs on a virtual thread of
     * its own, which completes the request when it returns.
     */
    static void serve(HttpServletRequest request, HttpServletResponse response, Relay relay) {
        AsyncContext async = request.startAsync();
        async.setTimeout(0); // no async timeout: an answer may stream for minutes; keep-alives and the client decide
        ClientWatch watch = new ClientWatch();
        Thread writer = WRITERS.newThread(() -> {
            try {
                relay.run(sink(response));
            } catch (RuntimeException | Error e) {
                if (watch.clientGone()) {
                    // the container may have recycled the response already: Tomcat's then fails with an NPE
                    log.debug("SSE response failed after its client went away", e);
                } else {
                    log.warn("SSE response failed", e);
                }
            } finally {
                watch.finished();
                Thread.interrupted(); // an interrupt meant "client gone", which is handled; completing may block
                try {
                    async.complete();
                } catch (IllegalStateException e) {
                    log.debug("SSE request already completed by the container", e);
                }
            }
        });
        watch.writer(writer);
        async.addListener(watch);
        writer.start();
    }

    /**
     * Returns whether the request can go asynchronous; if not, answers {@code 500} naming the setting and logs it
     * (once).
     */
    static boolean asyncSupported(String servlet, HttpServletRequest request, HttpServletResponse response)
            throws IOException {
        if (request.isAsyncSupported()) {
            return true;
        }
        String message = servlet + " needs async support, and this request has none: register the servlet with"
                + " asyncSupported=true (ServletRegistration.Dynamic.setAsyncSupported(true),"
                + " <async-supported>true</async-supported> in web.xml, Jetty's ServletHolder.setAsyncSupported(true)),"
                + " and make the filters in front of it async-supported too";
        if (!TOLD_ABOUT_ASYNC.getAndSet(true)) {
            log.error(message);
        }
        Requests.reject(response, HttpServletResponse.SC_INTERNAL_SERVER_ERROR, message);
        return false;
    }

    private static SseSink sink(HttpServletResponse response) {
        return SseSink.of(response::setHeader, () -> {
            response.setStatus(HttpServletResponse.SC_OK);
            return response.getOutputStream();
        });
    }

    /**
     * Stops the writing thread when the container reports the request gone before the stream ended: interrupting
     * it ends {@link SseResponse#stream} as {@link SseOutcome#CLIENT_GONE} and closes the source, which cancels the
     * LLM request.
     *
     * <p>One interrupt is not enough: the report can arrive while the writer is inside the container's own blocking
     * write (the response headers going out), and a container may swallow an interrupt there (Tomcat's HTTP/2 write
     * did, under load), after which the writer would wait for its source until the next keep-alive. So the
     * interrupt is repeated until the writer has finished, at most for {@link #REPEAT_FOR}.
     */
    private static final class ClientWatch implements AsyncListener {
        private static final Duration REPEAT_EVERY = Duration.ofMillis(50);
        private static final Duration REPEAT_FOR = Duration.ofSeconds(30);

        /** Makes "finished" and "interrupt" exclusive, so no interrupt reaches the writer once it has finished. */
        private final ReentrantLock lock = new ReentrantLock();
        private @Nullable Thread writer; // guarded by lock
        private boolean finished; // guarded by lock
        private boolean stopping; // guarded by lock

        void writer(Thread writer) {
            lock.lock();
            try {
                this.writer = writer;
            } finally {
                lock.unlock();
            }
        }

        void finished() {
            lock.lock();
            try {
                finished = true;
            } finally {
                lock.unlock();
            }
        }

        /** Returns whether the container has reported the client gone. */
        boolean clientGone() {
            lock.lock();
            try {
                return stopping;
            } finally {
                lock.unlock();
            }
        }

        private void stop(String why, AsyncEvent event) {
            lock.lock();
            try {
                if (finished || writer == null || stopping) {
                    return;
                }
                stopping = true;
                writer.interrupt();
            } finally {
                lock.unlock();
            }
            log.debug("SSE client gone ({}); stopping the stream", why, event.getThrowable());
            Thread.ofVirtual().name("synapsekit-sse-client-gone").start(this::repeatInterrupt);
        }

        private void repeatInterrupt() {
            long deadline = System.nanoTime() + REPEAT_FOR.toNanos();
            while (System.nanoTime() - deadline < 0) {
                LockSupport.parkNanos(REPEAT_EVERY.toNanos());
                lock.lock();
                try {
                    if (finished) {
                        return;
                    }
                    Objects.requireNonNull(writer).interrupt();
                } finally {
                    lock.unlock();
                }
            }
            log.warn("an SSE stream whose client went away has not stopped after {} of interrupts", REPEAT_FOR);
        }

        @Override
        public void onError(AsyncEvent event) {
            stop("error", event);
        }

        @Override
        public void onTimeout(AsyncEvent event) {
            stop("timeout", event);
        }

        @Override
        public void onComplete(AsyncEvent event) {
            stop("completed by the container", event);
        }

        @Override
        public void onStartAsync(AsyncEvent event) {
            // not restarted
        }
    }
}
