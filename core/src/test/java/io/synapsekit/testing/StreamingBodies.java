package io.synapsekit.testing;

import java.io.IOException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponseBody;
import okio.BufferedSink;

/** Response bodies that stream over time, for tests that need a server which notices the client leaving. */
public final class StreamingBodies {

    private StreamingBodies() {
    }

    /**
     * Streams tokens until the client goes away (a write fails), then counts {@code clientLeft} down. Bounded so a
     * broken test cannot run forever.
     */
    public static MockResponseBody endless(CountDownLatch clientLeft) {
        return new MockResponseBody() {
            @Override
            public long getContentLength() {
                return -1;
            }

            @Override
            public void writeTo(BufferedSink sink) throws IOException {
                try {
                    sink.writeUtf8(OpenAIWire.role());
                    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                    for (int i = 0; System.nanoTime() < deadline; i++) {
                        sink.writeUtf8(OpenAIWire.token("t" + i + " "));
                        sink.flush();
                    }
                } catch (IOException e) {
                    clientLeft.countDown();
                    throw e;
                }
            }
        };
    }

    /**
     * Sends {@code prefix}, then stalls until {@code resume} opens, then writes keep-alive comments until the
     * client goes away, counting {@code clientLeft} down.
     */
    public static MockResponseBody stallAfter(String prefix, CountDownLatch resume, CountDownLatch clientLeft) {
        return new MockResponseBody() {
            @Override
            public long getContentLength() {
                return -1;
            }

            @Override
            public void writeTo(BufferedSink sink) throws IOException {
                try {
                    sink.writeUtf8(prefix);
                    sink.flush();
                    try {
                        resume.await(30, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                    while (System.nanoTime() < deadline) {
                        sink.writeUtf8(": keep-alive\n\n");
                        sink.flush();
                    }
                } catch (IOException e) {
                    clientLeft.countDown();
                    throw e;
                }
            }
        };
    }
}
