package io.synapsekit.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.synapsekit.graph.CompiledGraph;
import io.synapsekit.graph.LlmNode;
import io.synapsekit.graph.StateGraph;
import io.synapsekit.llm.ChatMessage;
import io.synapsekit.llm.GenerateOptions;
import io.synapsekit.llm.LLM;
import io.synapsekit.llm.LLMEvent;
import io.synapsekit.stream.CloseableIterator;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real {@code @ag-ui/client} HttpAgent (Node, installed with {@code npm ci} from the committed lock file) runs a
 * graph served by AgUiServlet in a real Jetty: every event it receives passes {@code @ag-ui/core}'s zod schema and
 * the client's own order checks, and the state rebuilt from the snapshot and our JSON Patches is the run's final
 * state.
 */
class AgUiClientTest {

    private static final Path PROJECT = Path.of("src/test/node/ag-ui");
    private static final Duration NPM_LIMIT = Duration.ofMinutes(3);
    private static final Duration NODE_LIMIT = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A model that thinks, answers and calls a tool, streamed as an LLM's typed events. */
    private static final LLM MODEL = new LLM() {
        @Override
        public CloseableIterator<LLMEvent> eventIterator(List<ChatMessage> messages, GenerateOptions options) {
            return CloseableIterator.of(List.of(new LLMEvent.Thinking("Oslo is in Norway; "),
                    new LLMEvent.Thinking("ask the tool."), new LLMEvent.Token("Checking "),
                    new LLMEvent.Token("the weather…\n"), new LLMEvent.Token("Oslo: ✓ \"sunny\""),
                    new LLMEvent.ToolCallDelta(0, "call_w1", "get_weather", "{\"city\":"),
                    new LLMEvent.ToolCallDelta(0, null, null, "\"Oslo\"}"),
                    new LLMEvent.ToolCall(0, "call_w1", "get_weather", "{\"city\":\"Oslo\"}"),
                    new LLMEvent.Finish("tool_calls"), new LLMEvent.Usage(12, 7)));
        }
    };

    private Container server;

    @TempDir
    Path temp;

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    private static CompiledGraph graph() {
        return new StateGraph()
                .addNode("plan", state -> Map.of("plan", "look up the weather", "steps", List.of("plan"),
                        "a/b~c", Map.of("ok", true)))
                .addNode("answer", LlmNode.of(MODEL).outputKey("answer"))
                .addNode("review", state -> {
                    Map<String, Object> update = new HashMap<>();
                    update.put("plan", null);
                    update.put("steps", List.of("review"));
                    return update;
                })
                .addEdge("plan", "answer").addEdge("answer", "review").reducer("steps", StateGraph.appendToList())
                .setEntryPoint("plan").setFinishPoint("review").compile();
    }

    @Test
    void httpAgentRunsAGraphAndEveryEventPassesTheProtocolsSchema() throws Exception {
        requireNode();
        run(temp, NPM_LIMIT, "npm", "ci", "--no-audit", "--no-fund", "--loglevel=error");
        CompiledGraph graph = graph();
        server = Container.Kind.JETTY.start(AgUiServlet.graph(graph), List.of());

        String out = run(temp, NODE_LIMIT, "node", "run-agent.mjs", server.uri("/stream").toString());

        JsonNode result = JSON.readTree(out);
        assertThat(result.get("runError").isNull()).as("HttpAgent failed: %s", result.get("runError")).isTrue();
        assertThat(result.get("schemaProblems")).as("events refused by @ag-ui/core's EventSchema").isEmpty();
        List<JsonNode> events = new ArrayList<>();
        result.get("events").forEach(events::add);
        assertThat(events.stream().map(e -> e.get("type").asText() + (e.has("stepName")
                ? "(" + e.get("stepName").asText() + ")" : ""))).containsExactly(
                "RUN_STARTED", "STATE_SNAPSHOT",
                "STEP_STARTED(plan)", "STATE_DELTA", "STEP_FINISHED(plan)",
                "STEP_STARTED(answer)", "TEXT_MESSAGE_START", "TEXT_MESSAGE_CONTENT", "TEXT_MESSAGE_CONTENT",
                "TEXT_MESSAGE_CONTENT", "TEXT_MESSAGE_END", "REASONING_START", "REASONING_MESSAGE_START",
                "REASONING_MESSAGE_CONTENT", "REASONING_MESSAGE_END", "REASONING_END", "TOOL_CALL_START",
                "TOOL_CALL_ARGS", "TOOL_CALL_END", "STATE_DELTA", "STEP_FINISHED(answer)",
                "STEP_STARTED(review)", "STATE_DELTA", "STEP_FINISHED(review)", "RUN_FINISHED");

        Map<String, Object> input = new LinkedHashMap<>();
        input.put("topic", "weather");
        input.put("input", "What's the weather in Oslo? ✓");
        JsonNode finalState = JSON.valueToTree(graph.invoke(input));
        assertThat(result.get("patchError").isNull()).as("%s", result.get("patchError")).isTrue();
        assertThat(result.get("patched")).as("snapshot + our patches").isEqualTo(finalState);
        assertThat(result.get("state")).as("the agent's own state").isEqualTo(finalState);
        assertThat(finalState.get("answer").asText()).isEqualTo("Checking the weather…\nOslo: ✓ \"sunny\"");

        JsonNode assistant = null;
        for (JsonNode m : result.get("messages")) {
            if (m.get("role").asText().equals("assistant")) {
                assistant = m;
            }
        }
        assertThat(assistant).as("the agent's assistant message").isNotNull();
        assertThat(assistant.get("content").asText()).isEqualTo(finalState.get("answer").asText());
        assertThat(assistant.at("/toolCalls/0/function/name").asText()).isEqualTo("get_weather");
        assertThat(assistant.at("/toolCalls/0/function/arguments").asText()).isEqualTo("{\"city\":\"Oslo\"}");
        assertThat(result.get("messages").findValuesAsText("role")).contains("user", "assistant", "reasoning");
        assertThat(events.get(events.size() - 1).get("usage").toString())
                .isEqualTo("[{\"inputTokens\":12,\"outputTokens\":7,\"totalTokens\":19}]");
    }

    @Test
    void httpAgentReadsAStreamedLlmAnswerWithThinkingAndAToolCall() throws Exception {
        requireNode();
        run(temp, NPM_LIMIT, "npm", "ci", "--no-audit", "--no-fund", "--loglevel=error");
        server = Container.Kind.JETTY.start(AgUiServlet.llm(MODEL), List.of());

        JsonNode result = JSON.readTree(run(temp, NODE_LIMIT, "node", "run-agent.mjs",
                server.uri("/stream").toString()));

        assertThat(result.get("runError").isNull()).as("HttpAgent failed: %s", result.get("runError")).isTrue();
        assertThat(result.get("schemaProblems")).as("events refused by @ag-ui/core's EventSchema").isEmpty();
        assertThat(result.get("events").findValuesAsText("type")).containsExactly("RUN_STARTED",
                "REASONING_START", "REASONING_MESSAGE_START", "REASONING_MESSAGE_CONTENT", "REASONING_MESSAGE_CONTENT",
                "REASONING_MESSAGE_END", "REASONING_END", "TEXT_MESSAGE_START", "TEXT_MESSAGE_CONTENT",
                "TEXT_MESSAGE_CONTENT", "TEXT_MESSAGE_CONTENT", "TEXT_MESSAGE_END", "TOOL_CALL_START",
                "TOOL_CALL_ARGS", "TOOL_CALL_ARGS", "TOOL_CALL_END", "RUN_FINISHED");
        JsonNode reasoning = null;
        JsonNode assistant = null;
        for (JsonNode m : result.get("messages")) {
            switch (m.get("role").asText()) {
                case "reasoning" -> reasoning = m;
                case "assistant" -> assistant = m;
                default -> { }
            }
        }
        assertThat(reasoning).isNotNull();
        assertThat(reasoning.get("content").asText()).isEqualTo("Oslo is in Norway; ask the tool.");
        assertThat(assistant).isNotNull();
        assertThat(assistant.get("content").asText()).isEqualTo("Checking the weather…\nOslo: ✓ \"sunny\"");
        assertThat(assistant.at("/toolCalls/0/id").asText()).isEqualTo("call_w1");
        assertThat(assistant.at("/toolCalls/0/function/arguments").asText()).isEqualTo("{\"city\":\"Oslo\"}");
    }

    /** Skips without Node, unless SYNAPSEKIT_REQUIRE_BROWSER is set (as .ci/run does): then it fails. */
    private static void requireNode() {
        boolean present = onPath("node") && onPath("npm");
        if (System.getenv("SYNAPSEKIT_REQUIRE_BROWSER") != null) {
            assertThat(present).as("node and npm are required (SYNAPSEKIT_REQUIRE_BROWSER is set)").isTrue();
        }
        Assumptions.assumeTrue(present, "node and npm not found on PATH; skipping the @ag-ui/client test");
    }

    private static boolean onPath(String command) {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String dir : path.split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, command))) {
                return true;
            }
        }
        return false;
    }

    /** Runs {@code command} in the Node project, bounded in time; returns its stdout, failing on a non-zero exit. */
    private static String run(Path temp, Duration limit, String... command) throws IOException, InterruptedException {
        Path stdout = Files.createTempFile(temp, "out", ".txt");
        Path stderr = Files.createTempFile(temp, "err", ".txt");
        Process p = new ProcessBuilder(command).directory(PROJECT.toFile())
                .redirectOutput(stdout.toFile()).redirectError(stderr.toFile()).start();
        try {
            boolean ended = p.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS);
            assertThat(ended).as("%s ended within %s; stderr: %s", String.join(" ", command), limit,
                    Files.readString(stderr)).isTrue();
            assertThat(p.exitValue()).as("%s exit code; stderr: %s", String.join(" ", command),
                    Files.readString(stderr)).isZero();
            return Files.readString(stdout, StandardCharsets.UTF_8);
        } finally {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
    }
}
