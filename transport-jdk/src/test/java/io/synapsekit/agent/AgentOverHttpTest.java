package io.synapsekit.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.synapsekit.llm.LLM;
import io.synapsekit.llm.anthropic.AnthropicLLM;
import io.synapsekit.testing.LiveThreads;
import io.synapsekit.testing.StreamingBodies;
import io.synapsekit.tool.Tool;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * An agent over real HTTP on loopback: Anthropic's Messages stream, written from its "Streaming Messages"
 * documentation, calls two tools in one step, one slow, while the model keeps its stream open.
 */
class AgentOverHttpTest {

    record Query(String q) {}

    private final MockWebServer server = new MockWebServer();
    private final CountDownLatch resume = new CountDownLatch(1);

    @BeforeEach
    void start() throws IOException {
        server.start();
    }

    @AfterEach
    void stop() {
        resume.countDown();
        server.close();
    }

    private static String event(String name, String json) {
        return "event: " + name + "\ndata: " + json + "\n\n";
    }

    /** A tool_use block at {@code index}, its arguments sent in two input_json_delta fragments, then its stop. */
    private static String toolUse(int index, String id, String name, String argsA, String argsB) {
        return event("content_block_start", "{\"type\":\"content_block_start\",\"index\":" + index
                + ",\"content_block\":{\"type\":\"tool_use\",\"id\":\"" + id + "\",\"name\":\"" + name
                + "\",\"input\":{}}}")
                + delta(index, argsA) + delta(index, argsB)
                + event("content_block_stop", "{\"type\":\"content_block_stop\",\"index\":" + index + "}");
    }

    private static String delta(int index, String part) {
        return event("content_block_delta", "{\"type\":\"content_block_delta\",\"index\":" + index
                + ",\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"" + part.replace("\"", "\\\"")
                + "\"}}");
    }

    private static String messageStart() {
        return event("message_start", "{\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\",\"type\":\"message\","
                + "\"role\":\"assistant\",\"content\":[],\"model\":\"claude-sonnet-4-5\",\"stop_reason\":null,"
                + "\"stop_sequence\":null,\"usage\":{\"input_tokens\":12,\"output_tokens\":1}}}");
    }

    @Test
    void closingDuringASlowToolInterruptsItAndClosesTheModelConnection() throws Exception {
        CountDownLatch slowEntered = new CountDownLatch(1);
        CountDownLatch slowInterrupted = new CountDownLatch(1);
        CountDownLatch clientLeft = new CountDownLatch(1);
        Tool slow = Tool.of("slow_lookup", "Slow", Query.class, q -> {
            slowEntered.countDown();
            try {
                new CountDownLatch(1).await(30, TimeUnit.SECONDS); // only an interrupt ends this wait early
                return "too late";
            } catch (InterruptedException e) {
                slowInterrupted.countDown();
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        });
        Tool fast = Tool.of("fast_lookup", "Fast", Query.class, q -> "found " + q.q());
        // Both calls are complete, then the model keeps its stream open: the tools run while it is still writing.
        String prefix = messageStart() + toolUse(0, "toolu_slow", "slow_lookup", "{\"q\":", "\"a\"}")
                + toolUse(1, "toolu_fast", "fast_lookup", "{\"q\":", "\"b\"}");
        server.enqueue(new MockResponse.Builder().setHeader("Content-Type", "text/event-stream")
                .body(StreamingBodies.stallAfter(prefix, resume, clientLeft)).build());
        LLM llm = AnthropicLLM.builder().baseUrl(server.url("/").toString()).apiKey("test-key").maxRetries(0).build();
        Agent agent = Agent.builder(llm).tools(slow, fast).maxSteps(3).build();

        List<AgentEvent> seen = new ArrayList<>();
        Stream<AgentEvent> events = agent.events("Look up a and b");
        try {
            Iterator<AgentEvent> it = events.iterator();
            while (it.hasNext()) {
                AgentEvent e = it.next();
                seen.add(e);
                if (e instanceof AgentEvent.ToolFinished f && f.call().name().equals("fast_lookup")) {
                    break;
                }
            }
            assertThat(slowEntered.await(5, TimeUnit.SECONDS)).as("the slow tool is running").isTrue();
        } finally {
            events.close();
            resume.countDown();
        }

        assertThat(slowInterrupted.await(5, TimeUnit.SECONDS)).as("the slow tool was interrupted").isTrue();
        assertThat(clientLeft.await(5, TimeUnit.SECONDS)).as("the server saw the model connection close").isTrue();
        LiveThreads.awaitNone("synapsekit-agent");

        int firstDelta = indexOf(seen, e -> e instanceof AgentEvent.ToolCallDelta d && d.delta().index() == 0);
        int slowStarted = indexOf(seen, e -> e instanceof AgentEvent.ToolStarted s
                && s.call().name().equals("slow_lookup"));
        int fastDelta = indexOf(seen, e -> e instanceof AgentEvent.ToolCallDelta d && d.delta().index() == 1);
        int fastStarted = indexOf(seen, e -> e instanceof AgentEvent.ToolStarted s
                && s.call().name().equals("fast_lookup"));
        assertThat(firstDelta).as("argument deltas before the slow tool starts").isNotNegative()
                .isLessThan(slowStarted);
        assertThat(fastDelta).as("argument deltas before the fast tool starts").isNotNegative()
                .isLessThan(fastStarted);
        assertThat(slowStarted).as("the slow tool started while the model still wrote the fast call")
                .isLessThan(fastDelta);
        assertThat(seen).filteredOn(e -> e instanceof AgentEvent.ToolFinished).singleElement()
                .satisfies(e -> assertThat(((AgentEvent.ToolFinished) e).result().content()).isEqualTo("found b"));
        assertThat(seen).noneMatch(e -> e instanceof AgentEvent.StepFinished);
    }

    private static int indexOf(List<AgentEvent> events, java.util.function.Predicate<AgentEvent> p) {
        for (int i = 0; i < events.size(); i++) {
            if (p.test(events.get(i))) {
                return i;
            }
        }
        return -1;
    }
}
