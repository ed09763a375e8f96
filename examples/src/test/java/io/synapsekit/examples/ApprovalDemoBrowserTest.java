package io.synapsekit.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.synapsekit.examples.web.ReportServlet.Report;
import io.synapsekit.graph.Checkpoint;
import io.synapsekit.graph.GraphStreams;
import io.synapsekit.graph.MemoryCheckpointer;
import io.synapsekit.graph.SseOptions;
import io.synapsekit.sse.SseEvent;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The approval demo in a real browser: headless Chromium opens the page, which streams the draft over SSE (the
 * library's GraphServlet) or WebSocket (TokenWebSocket.graph), gets the {@code interrupt} event or frame, clicks
 * "Approve" (or sends an edit) and streams the resumed run, then reports what it published. Skipped where /usr/bin/chromium is absent, unless SYNAPSEKIT_REQUIRE_BROWSER is set.
 */
class ApprovalDemoBrowserTest {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final String DRAFT = "Thank you for asking about graphs. Here is a short answer.";

    @TempDir
    Path profile;

    @Test
    void approvingTheDraftPublishesItAndTheRunEnds() throws Exception {
        assumeBrowser();
        try (ApprovalDemo demo = ApprovalDemo.start("127.0.0.1", 0, new MemoryCheckpointer())) {
            Report r = open(demo, "/?report=1&topic=graphs&decision=approve");

            assertThat(r.ok()).as(r.detail()).isTrue();
            assertThat(r.text()).isEqualTo("Published: " + DRAFT);
        }
    }

    @Test
    void anEditedDraftIsWhatGetsPublished() throws Exception {
        assumeBrowser();
        String edit = "Short answer: graphs, edited by a person ✓";
        try (ApprovalDemo demo = ApprovalDemo.start("127.0.0.1", 0, new MemoryCheckpointer())) {
            Report r = open(demo, "/?report=1&topic=graphs&decision=edit&edit="
                    + URLEncoder.encode(edit, StandardCharsets.UTF_8));

            assertThat(r.ok()).as(r.detail()).isTrue();
            assertThat(r.text()).isEqualTo("Published: " + edit);
        }
    }

    @Test
    void overWebSocketTheInterruptFrameAndTheResumeMessageDoTheSame() throws Exception {
        assumeBrowser();
        String edit = "Edited over a WebSocket";
        try (ApprovalDemo demo = ApprovalDemo.start("127.0.0.1", 0, new MemoryCheckpointer())) {
            Report r = open(demo, "/?report=1&via=ws&topic=graphs&decision=edit&edit="
                    + URLEncoder.encode(edit, StandardCharsets.UTF_8));

            assertThat(r.ok()).as(r.detail()).isTrue();
            assertThat(r.text()).isEqualTo("Published: " + edit);
        }
    }

    @Test
    void overWebSocketApprovingPublishesTheDraft() throws Exception {
        assumeBrowser();
        try (ApprovalDemo demo = ApprovalDemo.start("127.0.0.1", 0, new MemoryCheckpointer())) {
            Report r = open(demo, "/?report=1&via=ws&topic=graphs&decision=approve");

            assertThat(r.ok()).as(r.detail()).isTrue();
            assertThat(r.text()).isEqualTo("Published: " + DRAFT);
        }
    }

    @Test
    void withoutAnAnswerTheRunStaysPausedAtReview() throws Exception {
        try (ApprovalDemo demo = ApprovalDemo.start("127.0.0.1", 0, new MemoryCheckpointer());
                Stream<SseEvent> stream = GraphStreams.sseStream(demo.graph(), "t", Map.of("topic", "graphs"),
                        SseOptions.defaults())) {
            List<SseEvent> events = stream.toList();

            assertThat(events.getLast().event()).isEqualTo("interrupt");
            Checkpoint head = demo.graph().state("t").orElseThrow();
            assertThat(head.pause().node()).isEqualTo("review");
            assertThat(head.state()).containsEntry("draft", DRAFT).doesNotContainKey("published");
        }
    }

    private static void assumeBrowser() {
        boolean present = Files.isExecutable(CHROMIUM);
        if (System.getenv("SYNAPSEKIT_REQUIRE_BROWSER") != null) {
            assertThat(present).as(CHROMIUM + " is required (SYNAPSEKIT_REQUIRE_BROWSER is set)").isTrue();
        }
        assumeTrue(present, "headless Chromium not installed");
    }

    private Report open(ApprovalDemo demo, String path) throws Exception {
        Path log = profile.resolve("chromium.log");
        Process chromium = new ProcessBuilder(CHROMIUM.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--disable-extensions", "--user-data-dir=" + profile.resolve("profile"),
                demo.uri(path).toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            Report r = demo.reports().reports().poll(60, TimeUnit.SECONDS);
            if (r == null) {
                throw new AssertionError("the page reported nothing within 60 s; chromium said:\n" + tail(log));
            }
            return r;
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
