package io.synapsekit.servlet;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** The JDK WebSocket client, with received text messages (frames reassembled) in a queue the test takes from. */
final class WsClient implements AutoCloseable {

    final BlockingQueue<String> messages = new LinkedBlockingQueue<>();
    final CountDownLatch closed = new CountDownLatch(1);
    /** How the server closed the connection, if it did: "code reason", or the error. */
    private volatile String closedBy;
    private final WebSocket socket;

    WsClient(URI uri) {
        this(HttpClient.newHttpClient(), uri);
    }

    WsClient(HttpClient client, URI uri) {
        socket = client.newWebSocketBuilder().buildAsync(uri, new WebSocket.Listener() {
            private final StringBuilder partial = new StringBuilder();

            @Override
            public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
                partial.append(data);
                if (last) {
                    messages.add(partial.toString());
                    partial.setLength(0);
                }
                ws.request(1);
                return null;
            }

            @Override
            public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
                closedBy = statusCode + " " + reason;
                closed.countDown();
                return null;
            }

            @Override
            public void onError(WebSocket ws, Throwable error) {
                closedBy = String.valueOf(error);
                closed.countDown();
            }
        }).join();
    }

    void send(String text) {
        socket.sendText(text, true).join();
    }

    /** Takes the next message; fails after five seconds. */
    String next() throws InterruptedException {
        String m = messages.poll(5, TimeUnit.SECONDS);
        if (m == null) {
            throw new AssertionError("no WebSocket message within 5 s"
                    + (closedBy == null ? "" : "; the connection was closed: " + closedBy));
        }
        return m;
    }

    /** Takes messages up to and including the first one that satisfies {@code last}. */
    java.util.List<String> until(java.util.function.Predicate<String> last) throws InterruptedException {
        java.util.List<String> got = new java.util.ArrayList<>();
        while (true) {
            String m = next();
            got.add(m);
            if (last.test(m)) {
                return got;
            }
        }
    }

    /** Hangs up without a close handshake, as a tab that is closed or loses its network does. */
    void abort() {
        socket.abort();
    }

    @Override
    public void close() {
        if (!socket.isOutputClosed()) {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").join();
        }
        socket.abort();
    }
}
