package io.synapsekit.servlet;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.synapsekit.llm.LLM;
import io.synapsekit.server.SseResponse;
import io.synapsekit.servlet.webapp.ProbeListener;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.net.Socket;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.Stream;
import org.apache.catalina.Context;
import org.apache.catalina.Host;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.core.StandardContext;
import org.apache.catalina.startup.Constants;
import org.apache.catalina.startup.ContextConfig;
import org.apache.catalina.startup.Tomcat;
import org.apache.tomcat.util.scan.StandardJarScanner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Deploys and undeploys a real web application in a real Tomcat, again and again, with SynapseKit and its
 * dependencies in the application's own WEB-INF/lib, each time making streamed LLM calls through the JDK
 * transport to a loopback upstream (SSE by GET and POST, a rejected request, a WebSocket answer). After each undeploy no library thread (the timer, the HTTP client's selector)
 * is left, Tomcat's leak detection has nothing to say, and in the end every application's class loader is
 * collected: redeploying leaks nothing.
 */
class WebappUndeployTest {

    private static final int CYCLES = 12;
    private static final Duration THREADS_GONE_WITHIN = Duration.ofSeconds(5);
    private static final Duration COLLECTED_WITHIN = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    /** Tomcat's loader logs its leak warnings here; a strong reference keeps the handler attached. */
    private final Logger tomcatLoaderLog = Logger.getLogger("org.apache.catalina.loader");
    private final List<String> warnings = new CopyOnWriteArrayList<>();
    private final Handler warningRecorder = new Handler() {
        @Override
        public void publish(LogRecord record) {
            if (record.getLevel().intValue() >= Level.WARNING.intValue()) {
                warnings.add(new java.util.logging.SimpleFormatter().formatMessage(record));
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @Test
    void undeployingStopsTheLibrarysThreadsAndTheWebappsClassLoaderIsCollected() throws Exception {
        tomcatLoaderLog.addHandler(warningRecorder);
        Tomcat tomcat = null;
        // The test's WebSocket client: its selector starts before any cycle, its workers are virtual threads, so
        // none of its threads counts as one a web application left behind.
        try (ExecutorService wsWorkers = Executors.newVirtualThreadPerTaskExecutor();
                HttpClient wsClient = HttpClient.newBuilder().executor(wsWorkers).build();
                MockOpenAI upstream = new MockOpenAI(List.of("Hel", "lo"), Duration.ZERO)) {
            Path docBase = webapp(dir.resolve("app"), upstream.baseUrl());
            tomcat = new Tomcat();
            tomcat.setBaseDir(dir.resolve("tomcat").toString());
            Connector connector = new Connector();
            connector.setPort(0);
            connector.setProperty("address", "127.0.0.1");
            tomcat.setConnector(connector);
            tomcat.getHost().setAutoDeploy(false);
            tomcat.start();

            ReferenceQueue<ClassLoader> collected = new ReferenceQueue<>();
            List<WeakReference<ClassLoader>> loaders = new ArrayList<>();
            for (int i = 0; i < CYCLES; i++) {
                loaders.add(deployCallAndUndeploy(tomcat, connector.getLocalPort(), "/app" + i, docBase, collected,
                        wsClient));
            }
            assertThat(warnings).as("Tomcat's leak warnings").isEmpty();
            assertThat(upstream.requests).hasValue(3 * CYCLES);

            int gone = 0;
            long deadline = System.nanoTime() + COLLECTED_WITHIN.toNanos();
            while (gone < CYCLES && System.nanoTime() < deadline) {
                System.gc();
                if (collected.remove(100) != null) {
                    gone++;
                }
            }
            assertThat(loaders.stream().filter(r -> r.get() != null).count())
                    .as("web application class loaders not collected; threads holding one as context class"
                            + " loader: %s", threadsHolding(loaders)).isZero();
        } finally {
            tomcatLoaderLog.removeHandler(warningRecorder);
            if (tomcat != null) {
                tomcat.stop();
                tomcat.destroy();
            }
        }
    }

    /** One cycle; returns the web application's class loader, weakly held (this frame keeps no strong one). */
    private WeakReference<ClassLoader> deployCallAndUndeploy(Tomcat tomcat, int port, String path, Path docBase,
            ReferenceQueue<ClassLoader> collected, HttpClient wsClient) throws Exception {
        Set<Thread> before = Thread.getAllStackTraces().keySet();
        Context app = deploy(tomcat.getHost(), path, docBase);
        ClassLoader loader = app.getLoader().getClassLoader();
        assertThat(loader.loadClass(LLM.class.getName()).getClassLoader()).as("the library is the webapp's own")
                .isSameAs(loader);

        String body = request(port, "GET " + path + "/stream?query=hi", "");
        assertThat(body).contains("data: Hel\n").contains("data: [DONE]\n");
        String posted = request(port, "POST " + path + "/stream", "{\"query\": \"hi\"}");
        assertThat(posted).contains("data: lo\n").contains("data: [DONE]\n");
        assertThat(request(port, "GET " + path + "/stream", "")).startsWith("HTTP/1.1 400").contains("missing query");
        try (WsClient ws = new WsClient(wsClient, URI.create("ws://127.0.0.1:" + port + path + "/ws"))) {
            ws.send("{not json"); // answered on the container's thread
            assertThat(ws.next()).contains("\"error\"");
            ws.send("{\"query\": \"hi\"}");
            assertThat(ws.until(m -> m.contains("\"done\""))).hasSize(3);
        }
        assertThat(libraryThreads(before)).as("threads the call started").anyMatch(n -> n.startsWith("HttpClient-"));

        tomcat.getHost().removeChild(app);
        long deadline = System.nanoTime() + THREADS_GONE_WITHIN.toNanos();
        List<String> left = libraryThreads(before);
        while (!left.isEmpty() && System.nanoTime() < deadline) {
            Thread.onSpinWait();
            left = libraryThreads(before);
        }
        assertThat(left).as("library threads left after undeploying %s", path).isEmpty();
        return new WeakReference<>(loader, collected);
    }

    /** Diagnostics for a failure: the live threads whose context class loader is one of {@code loaders}. */
    private static List<String> threadsHolding(List<WeakReference<ClassLoader>> loaders) {
        List<String> holding = new ArrayList<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            ClassLoader ccl = t.getContextClassLoader();
            if (ccl != null && loaders.stream().anyMatch(r -> r.get() == ccl)) {
                holding.add(t.getName() + " " + t.getState());
            }
        }
        return holding;
    }

    private static List<String> libraryThreads(Set<Thread> before) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> !before.contains(t) && t.isAlive())
                .map(Thread::getName)
                .filter(n -> n.startsWith("synapsekit-") || n.startsWith("HttpClient-"))
                .toList();
    }

    private static Context deploy(Host host, String path, Path docBase) {
        StandardContext context = new StandardContext();
        context.setName(path);
        context.setPath(path);
        context.setDocBase(docBase.toString());
        ContextConfig config = new ContextConfig();
        config.setDefaultWebXml(Constants.NoDefaultWebXml);
        context.addLifecycleListener(config);
        StandardJarScanner scanner = new StandardJarScanner();
        scanner.setScanClassPath(false); // the application's own jars only, as in a standalone Tomcat
        context.setJarScanner(scanner);
        // The test's class path is Tomcat's "container" class path here, and Jetty's SCIs are on it too.
        context.setContainerSciFilter("org\\.eclipse\\.jetty\\.");
        host.addChild(context); // starts it: web.xml, the SCIs in WEB-INF/lib, the listeners
        return context;
    }

    /** A request over a raw socket, so that the test itself starts no HttpClient thread; returns all it got. */
    private static String request(int port, String requestLine, String json) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            OutputStream out = socket.getOutputStream();
            byte[] body = json.getBytes(UTF_8);
            out.write((requestLine + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
                    + (body.length == 0 ? "" : "Content-Type: application/json\r\nContent-Length: " + body.length
                            + "\r\n") + "\r\n").getBytes(UTF_8));
            out.write(body);
            out.flush();
            InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), UTF_8);
        }
    }

    /** Lays out a web application: web.xml, the probe in WEB-INF/classes, the library and its deps in WEB-INF/lib. */
    private static Path webapp(Path docBase, String upstream) throws Exception {
        Path webInf = Files.createDirectories(docBase.resolve("WEB-INF"));
        Files.writeString(webInf.resolve("web.xml"), """
                <?xml version="1.0" encoding="UTF-8"?>
                <web-app xmlns="https://jakarta.ee/xml/ns/jakartaee" version="6.0">
                  <context-param>
                    <param-name>upstream</param-name>
                    <param-value>%s</param-value>
                  </context-param>
                  <listener>
                    <listener-class>%s</listener-class>
                  </listener>
                  <servlet>
                    <servlet-name>default</servlet-name>
                    <servlet-class>org.apache.catalina.servlets.DefaultServlet</servlet-class>
                  </servlet>
                  <servlet-mapping>
                    <servlet-name>default</servlet-name>
                    <url-pattern>/</url-pattern>
                  </servlet-mapping>
                </web-app>
                """.formatted(upstream, ProbeListener.class.getName()));
        Path classes = webInf.resolve("classes");
        String probe = ProbeListener.class.getName().replace('.', '/') + ".class";
        Path probeFile = classes.resolve(probe);
        Files.createDirectories(probeFile.getParent());
        Files.copy(codeSource(ProbeListener.class).resolve(probe), probeFile);
        Path lib = Files.createDirectories(webInf.resolve("lib"));
        List<Class<?>> libraries = List.of(LLM.class, Class.forName("io.synapsekit.transport.jdk.JdkHttpTransport"),
                SseResponse.class, SseServlet.class, ObjectMapper.class, JsonFactory.class, JsonProperty.class,
                LoggerFactory.class);
        for (Class<?> c : libraries) {
            Path from = codeSource(c);
            Path to = lib.resolve(c.getName().replace('.', '-') + ".jar");
            if (Files.isDirectory(from)) {
                jar(from, to);
            } else {
                Files.copy(from, to);
            }
        }
        return docBase;
    }

    private static Path codeSource(Class<?> c) throws URISyntaxException {
        return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI());
    }

    /** Packs a module's classes directory (a reactor build before its jar exists) as a jar. */
    private static void jar(Path classes, Path jar) throws IOException {
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar));
                Stream<Path> files = Files.walk(classes)) {
            for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                out.putNextEntry(new JarEntry(classes.relativize(f).toString().replace('\\', '/')));
                Files.copy(f, out);
                out.closeEntry();
            }
        }
    }
}
