package io.synapsekit.transport.jdk;

import java.io.IOException;
import java.lang.ref.WeakReference;
import java.net.CookieHandler;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Wakes an {@link HttpClient}'s selector thread after an exchange was aborted, so that the aborted connection's
 * socket is really closed at once.
 *
 * <p>Why: aborting an HTTP/1.1 exchange (an interrupted {@code send}, a body subscription cancelled before the
 * end) makes HttpClient close the connection's channel on the aborting thread. The channel is registered with the
 * client's selector, and NIO defers the real close of a registered channel to that selector's next
 * {@code select}: until then the socket is only shut down for output, and a server that writes without reading
 * keeps filling the client's receive buffer, unread. Up to JDK 21, HttpClient closed the channel and then
 * signalled the close to its reader, which wakes the selector; since JDK 25 at least it signals first and closes
 * second, so when the selector has handled the signal and gone back to sleep before the channel is closed, the
 * close waits for the selector's next wake-up: the client's next request, or its idle tick of three seconds
 * ({@code jdk.internal.httpclient.selectorTimeout}). NIO servers such as Jetty wake their selector after closing
 * a socket for the same reason.
 *
 * <p>How, with public API only: HttpClient registers a timer for a request that has a timeout, and registering
 * a timer wakes its selector; it does so before running the request's filters and before any connection is
 * made. So this is the client's {@link CookieHandler} (it stores and returns no cookies) and refuses one
 * sentinel request in its filter: {@link #wake(HttpClient)} sends the sentinel, which wakes the selector and then fails
 * without any I/O. Its timer stays registered until its short timeout, on some JDK versions, and then wakes the
 * selector once more, which is harmless.
 *
 * <p>Nothing HttpClient can reach may hold its client strongly: HttpClient registers each client with a
 * {@code Cleaner} whose action holds the client's implementation (its selector, its exchanges, this handler), and
 * shuts it down once the client is unreachable. An object of ours in there that held the client would keep it
 * reachable for ever, and with it this class and the class loader of a web application that used it. So this
 * handler holds no client at all, and {@link #waker(HttpClient)}, which bodies keep, holds it weakly.
 *
 * <p>Stateless and thread-safe.
 */
final class SelectorWakeup extends CookieHandler {

    /** Never resolved or connected to: the cookie filter fails the request before either. */
    private static final URI SENTINEL = URI.create("http://selector-wakeup.synapsekit.invalid/");

    private static final HttpRequest WAKE = HttpRequest.newBuilder(SENTINEL).timeout(Duration.ofMillis(1)).GET()
            .build();

    /**
     * Wakes the selector of {@code client}, whose cookie handler must be a {@code SelectorWakeup}; it then
     * finishes closing every channel closed so far. Call it after the abort, from the thread that aborted. Returns
     * at once; never throws.
     */
    static void wake(HttpClient client) {
        Objects.requireNonNull(client, "client");
        try {
            client.sendAsync(WAKE, HttpResponse.BodyHandlers.discarding()); // fails by design; nothing to wait for
        } catch (RuntimeException e) {
            // a client shut down refuses new requests: it has no selector left to wake
        }
    }

    /** Returns an action that wakes {@code client}'s selector while the client exists, holding it weakly. */
    static Runnable waker(HttpClient client) {
        WeakReference<HttpClient> target = new WeakReference<>(client);
        return () -> {
            HttpClient c = target.get();
            if (c != null) {
                wake(c);
            }
        };
    }

    @Override
    public Map<String, List<String>> get(URI uri, Map<String, List<String>> requestHeaders) throws IOException {
        if (SENTINEL.getHost().equals(uri.getHost())) {
            throw new IOException("selector wake-up: not sent");
        }
        return Map.of();
    }

    @Override
    public void put(URI uri, Map<String, List<String>> responseHeaders) {
        // the library keeps no cookies: LLM APIs authenticate with headers
    }
}
