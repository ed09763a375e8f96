package io.synapsekit.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.synapsekit.examples.web.ReportServlet.Report;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The web demo's page in a real browser: headless Chromium (Debian's package, installed by .ci/run) opens the
 * page, which streams one answer into three panels by EventSource, fetch POST and WebSocket, and posts each
 * panel's text back. Skipped where /usr/bin/chromium is absent.
 */
class WebDemoBrowserTest {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final List<String> PANELS = List.of("eventsource", "fetch", "websocket");

    /** Tokens that break naive clients: newlines inside and across tokens, [DONE]-like text, SSE field text. */
    private static final List<String> TRICKY = List.of("Streaming", " to", " browsers", ":\n\n", "line one\nline two",
            "\r\n", "data: [DONE]", " [DONE]!", " [DONE]", "\nid: 3", "\n\nevent: error\n", ":not a comment",
            " é ✓ 日本語 🚀", " end.");

    @TempDir
    Path profile;

    @Test
    void everyPanelShowsExactlyTheStreamedText() throws Exception {
        assumeBrowser();
        Function<String, Stream<String>> scripted = query -> TRICKY.stream().peek(t -> pace());
        try (WebDemo web = WebDemo.start("127.0.0.1", 0, scripted)) {
            Map<String, Report> reports = openPage(web, "tricky tokens");

            String exact = String.join("", TRICKY);
            // SSE cannot carry a carriage return: a CR or CRLF arrives as LF (the standard's line ends).
            String overSse = exact.replace("\r\n", "\n").replace('\r', '\n');
            assertPanel(reports.get("eventsource"), overSse);
            assertPanel(reports.get("fetch"), overSse);
            assertPanel(reports.get("websocket"), exact);
        }
    }

    @Test
    void theOfflineModelsAnswerReachesAllThreePanelsThroughTheGraph() throws Exception {
        assumeBrowser();
        Demo demo = Demo.offline();
        long before = Demo.offlineServer().requestCount();
        try (WebDemo web = WebDemo.start("127.0.0.1", 0, WebDemo.answers(demo.model()))) {
            Map<String, Report> reports = openPage(web, "What is RAG?");

            String text = reports.get("eventsource").text();
            assertThat(text).startsWith("Retrieval-Augmented Generation (RAG) is a technique");
            for (String panel : PANELS) {
                assertPanel(reports.get(panel), text);
            }
            assertThat(Demo.offlineServer().requestCount() - before).isEqualTo(3);
        } finally {
            Demo.shutdown();
        }
    }

    @Test
    void anEventSourceWhoseConnectionDropsResumesTheSameAnswerWithoutASecondModelCall() throws Exception {
        assumeBrowser();
        List<String> tokens = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            tokens.add("word" + i + (i % 7 == 6 ? "\n" : " "));
        }
        java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();
        Function<String, Stream<String>> slow = query -> {
            calls.incrementAndGet();
            return tokens.stream().peek(t -> pace(20));
        };
        try (WebDemo web = WebDemo.start("127.0.0.1", 0, slow);
                CuttingProxy proxy = new CuttingProxy(web.port(), 6)) {
            String url = "http://127.0.0.1:" + proxy.port() + "/?report=1&q=resume";
            Map<String, Report> reports = openUrl(web, url);

            assertThat(proxy.cut.getCount()).as("the proxy dropped the EventSource connection").isZero();
            String expected = String.join("", tokens);
            for (String panel : PANELS) {
                assertPanel(reports.get(panel), expected);
            }
            // one call per panel: the EventSource's reconnect resumed from the replay buffer
            assertThat(calls).hasValue(3);
        }
    }

    /** Skips without Chromium, unless SYNAPSEKIT_REQUIRE_BROWSER is set (as .ci/run does): then it fails. */
    private static void assumeBrowser() {
        boolean present = Files.isExecutable(CHROMIUM);
        if (System.getenv("SYNAPSEKIT_REQUIRE_BROWSER") != null) {
            assertThat(present).as(CHROMIUM + " is required (SYNAPSEKIT_REQUIRE_BROWSER is set)").isTrue();
        }
        assumeTrue(present, "headless Chromium not installed");
    }

    private static void assertPanel(Report report, String expected) {
        assertThat(report).isNotNull();
        assertThat(report.ok()).as(report.panel() + ": " + report.detail()).isTrue();
        assertThat(report.text()).as(report.panel()).isEqualTo(expected);
    }

    private static void pace() {
        pace(5);
    }

    private static void pace(long millis) {
        try {
            Thread.sleep(millis); // the model's pace, so that tokens arrive in separate chunks
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private Map<String, Report> openPage(WebDemo web, String query) throws Exception {
        return openUrl(web, web.uri("/?report=1&q=" + URLEncoder.encode(query, StandardCharsets.UTF_8)).toString());
    }

    private Map<String, Report> openUrl(WebDemo web, String url) throws Exception {
        Path log = profile.resolve("chromium.log");
        Process chromium = new ProcessBuilder(CHROMIUM.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--disable-extensions", "--user-data-dir=" + profile.resolve("profile"), url)
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            Map<String, Report> reports = new HashMap<>();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (reports.size() < PANELS.size()) {
                long left = deadline - System.nanoTime();
                Report r = left <= 0 ? null : web.reports().reports().poll(left, TimeUnit.NANOSECONDS);
                if (r == null) {
                    throw new AssertionError("the page reported " + reports.keySet() + " within 60 s; chromium said:\n"
                            + tail(log));
                }
                reports.put(r.panel(), r);
            }
            return reports;
        } finally {
            List<ProcessHandle> all = new ArrayList<>(chromium.descendants().toList());
            all.add(chromium.toHandle());
            all.forEach(ProcessHandle::destroyForcibly);
            chromium.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static String tail(Path log) throws IOException {
        if (!Files.exists(log)) {
            return "(no output)";
        }
        List<String> lines = Files.readAllLines(log);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    }
}
