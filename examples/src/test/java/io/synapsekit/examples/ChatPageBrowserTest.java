package io.synapsekit.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.synapsekit.examples.offline.OfflineModelServer;
import io.synapsekit.examples.web.ChatDemo;
import io.synapsekit.llm.ChatMessage;
import io.synapsekit.llm.GenerateOptions;
import io.synapsekit.llm.LLM;
import io.synapsekit.llm.LLMEvent;
import io.synapsekit.llm.openai.OpenAILLM;
import io.synapsekit.stream.CloseableIterator;
import io.synapsekit.testing.NodeProject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The web demo's {@code /chat/} page, the real {@code useChat} bundled from npm, in Debian's headless Chromium
 * driven by Playwright ({@code src/test/node/chat-browser}), against the RAG-backed graph over the offline model:
 * the rendered text is what the model sent, byte for byte; sources come before the text; a second turn carries the
 * first upstream; Stop closes the upstream connection within a second; a reload mid-answer resumes it into exactly
 * one whole assistant message with one upstream call. Skipped where Chromium or Node is absent, except in CI.
 */
class ChatPageBrowserTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path PROJECT = Path.of("src/test/node/chat-browser");

    private OfflineModelServer model;
    private LLM offline;
    /** Every conversation the graph sent the model, in order: what reached upstream. */
    private final BlockingQueue<List<ChatMessage>> sent = new LinkedBlockingQueue<>();
    private WebDemo web;

    @BeforeEach
    void start() throws Exception {
        boolean present = Files.isExecutable(CHROMIUM);
        if (System.getenv("SYNAPSEKIT_REQUIRE_BROWSER") != null) {
            assertThat(present).as(CHROMIUM + " is required (SYNAPSEKIT_REQUIRE_BROWSER is set)").isTrue();
        }
        assumeTrue(present, "headless Chromium not installed");
        NodeProject.assumeNode();
        assertThat(ChatPageBrowserTest.class.getResource("/web/chat/app.js"))
                .as("the /chat/ page was bundled by the build (needs npm)").isNotNull();
        new NodeProject(PROJECT).install(Duration.ofMinutes(3));

        model = OfflineModelServer.start(Duration.ofMillis(25)); // a model's pace, so that stop and reload land mid-answer
        offline = OpenAILLM.builder().baseUrl(model.baseUrl()).apiKey("offline-demo").model(OfflineModelServer.MODEL)
                .build();
        LLM recording = new LLM() {
            @Override
            public CloseableIterator<LLMEvent> eventIterator(List<ChatMessage> messages, GenerateOptions options) {
                sent.add(List.copyOf(messages));
                return offline.eventIterator(messages, options);
            }
        };
        web = WebDemo.start("127.0.0.1", 0, query -> Stream.empty(), ChatDemo.routes(ChatDemo.servlet(recording)));
    }

    @AfterEach
    void stop() throws Exception {
        if (web != null) {
            web.close();
        }
        if (model != null) {
            model.close();
        }
    }

    private JsonNode drive(String scenario, String... questions) throws Exception {
        var plan = JSON.createObjectNode().put("url", web.uri("/chat/").toString()).put("scenario", scenario)
                .put("chromium", CHROMIUM.toString());
        var qs = plan.putArray("questions");
        for (String q : questions) {
            qs.add(q);
        }
        JsonNode result = JSON.readTree(new NodeProject(PROJECT).run(Duration.ofMinutes(2), "node", "drive.mjs",
                plan.toString()));
        assertThat(result.path("failure").asText("")).as("the page run; console: %s", result.get("console"))
                .isEmpty();
        return result;
    }

    private static List<JsonNode> assistants(JsonNode snapshot) {
        List<JsonNode> out = new ArrayList<>();
        snapshot.forEach(m -> {
            if (m.get("role").asText().equals("assistant")) {
                out.add(m);
            }
        });
        return out;
    }

    private static String text(JsonNode message) {
        StringBuilder s = new StringBuilder();
        message.get("parts").forEach(p -> {
            if (p.get("kind").asText().equals("text")) {
                s.append(p.get("text").asText());
            }
        });
        return s.toString();
    }

    private static List<String> kinds(JsonNode message) {
        List<String> kinds = new ArrayList<>();
        message.get("parts").forEach(p -> kinds.add(p.get("kind").asText()));
        return kinds;
    }

    /** What the offline model answers to {@code messages}: the text it streams, asked again directly. */
    private String modelAnswer(List<ChatMessage> messages) {
        return offline.generate(messages, GenerateOptions.defaults());
    }

    @Test
    void twoTurnsRenderTheModelsTextExactlyWithSourcesFirstAndTheSecondCarriesTheFirst() throws Exception {
        String first = "What is RAG, and does streaming work in every language?";
        String second = "And how do Server-Sent Events stream?";
        JsonNode result = drive("turns", first, second);

        List<ChatMessage> turn1 = sent.poll();
        List<ChatMessage> turn2 = sent.poll();
        assertThat(turn1).as("first upstream call").isNotNull();
        assertThat(turn2).as("second upstream call").isNotNull();
        JsonNode afterFirst = assistants(result.get("snapshots").get(0)).get(0);
        String rendered1 = text(afterFirst);
        assertThat(rendered1).isEqualTo(modelAnswer(turn1)).contains("日本語 and 🚀", "RAG");
        List<String> kinds = kinds(afterFirst);
        assertThat(kinds).contains("source", "text");
        assertThat(kinds.indexOf("source")).as("sources before text: %s", kinds).isLessThan(kinds.indexOf("text"));

        List<JsonNode> afterSecond = assistants(result.get("snapshots").get(1));
        assertThat(afterSecond).hasSize(2);
        assertThat(text(afterSecond.get(0))).isEqualTo(rendered1);
        assertThat(text(afterSecond.get(1))).isEqualTo(modelAnswer(turn2));
        assertThat(turn2).hasSize(3);
        assertThat(turn2.get(0)).isEqualTo(ChatMessage.user(first));
        assertThat(turn2.get(1)).as("the first answer went back upstream").isEqualTo(ChatMessage.assistant(rendered1));
        assertThat(turn2.get(2).content()).endsWith("Question: " + second);
    }

    @Test
    void tokensWithNewlinesDoneLikeTextAndMultiByteCharactersRenderByteForByte() throws Exception {
        web.close();
        List<String> tricky = List.of("Streaming", " to", " browsers", ":\n\n", "line one\nline two", "\r\n",
                "data: [DONE]", " [DONE]!", "\nid: 3", "\n\nevent: error\n", ":not a comment", " é ✓ 日本語 🚀",
                " {\"type\":\"text-delta\"}", " end.");
        LLM scripted = (messages, options) -> CloseableIterator.of(
                tricky.stream().map(t -> (LLMEvent) new LLMEvent.Token(t)).toList());
        web = WebDemo.start("127.0.0.1", 0, query -> Stream.empty(), ChatDemo.routes(ChatDemo.servlet(scripted)));

        JsonNode result = drive("turns", "What is RAG?");

        assertThat(text(assistants(result.get("snapshots").get(0)).get(0))).isEqualTo(String.join("", tricky));
    }

    @Test
    void theStopButtonClosesTheUpstreamConnectionWithinASecond() throws Exception {
        long abandonedBefore = model.abandonedStreams();
        AtomicLong closedAt = new AtomicLong();
        AtomicBoolean watching = new AtomicBoolean(true);
        Thread watcher = Thread.ofVirtual().start(() -> {
            boolean open = false;
            while (watching.get()) {
                long streams = model.openStreams();
                if (streams > 0) {
                    open = true;
                } else if (open) {
                    closedAt.set(System.currentTimeMillis());
                    return;
                }
                Thread.onSpinWait();
            }
        });
        JsonNode result;
        try {
            result = drive("stop", "What is RAG? Tell me everything about retrieval.");
        } finally {
            watching.set(false);
            watcher.join(5_000);
        }
        long clickedAt = result.get("clickedAt").asLong();

        assertThat(closedAt.get()).as("the upstream stream closed").isPositive();
        assertThat(closedAt.get() - clickedAt).as("ms from the click to the upstream closing").isLessThan(1_000);
        assertThat(model.abandonedStreams() - abandonedBefore).as("closed mid-answer, not finished").isEqualTo(1);
        List<JsonNode> answers = assistants(result.get("snapshots").get(0));
        assertThat(answers).hasSize(1);
        String partial = text(answers.get(0));
        assertThat(partial).isNotEmpty();
        assertThat(modelAnswer(sent.poll())).startsWith(partial).isNotEqualTo(partial);
    }

    @Test
    void aReloadMidAnswerResumesIntoExactlyOneWholeAnswerFromOneUpstreamCall() throws Exception {
        long before = model.requestCount();
        JsonNode result = drive("reload", "What is RAG? Tell me everything about retrieval.");
        long calls = model.requestCount() - before;

        List<JsonNode> answers = assistants(result.get("snapshots").get(0));
        assertThat(text(assistants(result.get("before")).get(0))).as("reloaded mid-answer").isNotEmpty();
        assertThat(answers).as("assistant messages after the reload").hasSize(1);
        assertThat(calls).as("upstream calls").isEqualTo(1);
        assertThat(text(answers.get(0))).isEqualTo(modelAnswer(sent.poll()));
        assertThat(text(answers.get(0))).isNotEqualTo(text(assistants(result.get("before")).get(0)));
    }
}
