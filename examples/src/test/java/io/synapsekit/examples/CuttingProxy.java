package io.synapsekit.examples;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A loopback TCP proxy that drops the connection of the first {@code GET /stream} once its response has carried a
 * few {@code data:} lines, as a flaky network does, and passes everything else through untouched.
 */
final class CuttingProxy implements AutoCloseable {

    private final ServerSocket listener;
    private final int targetPort;
    private final int cutAfterDataLines;
    private final AtomicBoolean cutDone = new AtomicBoolean();
    final CountDownLatch cut = new CountDownLatch(1);

    CuttingProxy(int targetPort, int cutAfterDataLines) throws IOException {
        this.targetPort = targetPort;
        this.cutAfterDataLines = cutAfterDataLines;
        listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().name("cutting-proxy").start(this::accept);
    }

    int port() {
        return listener.getLocalPort();
    }

    private void accept() {
        while (!listener.isClosed()) {
            try {
                Socket client = listener.accept();
                Socket server = new Socket(InetAddress.getLoopbackAddress(), targetPort);
                Connection c = new Connection(client, server);
                Thread.ofVirtual().start(c::upstream);
                Thread.ofVirtual().start(c::downstream);
            } catch (IOException e) {
                return;
            }
        }
    }

    /** One proxied connection; the browser's requests go up, the server's responses come down. */
    private final class Connection {
        final Socket client;
        final Socket server;
        volatile boolean streaming;

        Connection(Socket client, Socket server) {
            this.client = client;
            this.server = server;
        }

        void upstream() {
            byte[] buffer = new byte[8192];
            try (InputStream in = client.getInputStream(); OutputStream out = server.getOutputStream()) {
                for (int n; (n = in.read(buffer)) > 0; ) {
                    String text = new String(buffer, 0, n, StandardCharsets.ISO_8859_1);
                    if (text.startsWith("GET /stream?") && !text.contains("Last-Event-ID") && !cutDone.get()) {
                        streaming = true;
                    }
                    out.write(buffer, 0, n);
                    out.flush();
                }
            } catch (IOException e) {
                // either side closed
            } finally {
                closeBoth();
            }
        }

        void downstream() {
            byte[] buffer = new byte[8192];
            int dataLines = 0;
            try (InputStream in = server.getInputStream(); OutputStream out = client.getOutputStream()) {
                for (int n; (n = in.read(buffer)) > 0; ) {
                    out.write(buffer, 0, n);
                    out.flush();
                    if (streaming) {
                        String text = new String(buffer, 0, n, StandardCharsets.ISO_8859_1);
                        for (int i = text.indexOf("data:"); i >= 0; i = text.indexOf("data:", i + 1)) {
                            dataLines++;
                        }
                        if (dataLines >= cutAfterDataLines && cutDone.compareAndSet(false, true)) {
                            cut.countDown();
                            return; // finally closes both: the browser sees the connection drop
                        }
                    }
                }
            } catch (IOException e) {
                // either side closed
            } finally {
                closeBoth();
            }
        }

        void closeBoth() {
            try {
                client.close();
            } catch (IOException ignored) {
                // closing anyway
            }
            try {
                server.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }

    @Override
    public void close() throws IOException {
        listener.close();
    }
}
