package io.synapsekit.graph;

import static org.assertj.core.api.Assertions.assertThat;

import io.synapsekit.llm.LLM;
import io.synapsekit.llm.LLMEvent;
import io.synapsekit.sse.SseEvent;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What an {@link LlmNode}'s model sends besides its answer (thinking, tool calls, usage), over a loopback
 * OpenAI-compatible server: visible as graph events to a reader of events, never in token streams or the state.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class LlmNodeEventsTest {

    private final MockWebServer server = new MockWebServer();
    private LLM llm;

    @BeforeEach
    void start() throws Exception {
        server.start();
        llm = OpenAIStreams.llm(server);
    }

    @AfterEach
    void stop() throws Exception {
        Threads.awaitNoneOfOurs();
        server.close();
    }

    /** Thinking (DeepSeek's {@code reasoning_content}), a token, a tool call in two argument pieces, usage. */
    private static MockResponse thinkingAnswerToolCallAndUsage() {
        String body = OpenAIStreams.chunk("{\"role\":\"assistant\",\"content\":\"\"}", "null")
                + OpenAIStreams.chunk("{\"reasoning_content\":\"Let me \"}", "null")
                + OpenAIStreams.chunk("{\"reasoning_content\":\"think.\"}", "null")
                + OpenAIStreams.token("Looking it up.")
                + OpenAIStreams.chunk("{\"tool_calls\":[{\"index\":0,\"id\":\"call_1\",\"type\":\"function\","
                        + "\"function\":{\"name\":\"lookup\",\"arguments\":\"{\\\"q\\\":\"}}]}", "null")
                + OpenAIStreams.chunk("{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"\\\"x\\\"}\"}}]}",
                        "null")
                + OpenAIStreams.chunk("{}", "\"tool_calls\"")
                + "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"gpt-4o-mini\","
                + "\"choices\":[],\"usage\":{\"prompt_tokens\":11,\"completion_tokens\":7,\"total_tokens\":18}}\n\n"
                + "data: [DONE]\n\n";
        return new MockResponse.Builder().setHeader("Content-Type", "text/event-stream").body(body).build();
    }

    private CompiledGraph single() {
        return new StateGraph().addNode("agent", LlmNode.of(llm)).setEntryPoint("agent").setFinishPoint("agent")
                .compile();
    }

    @Test
    void eventsShowThinkingToolCallsAndUsageAfterTheTokens() {
        server.enqueue(thinkingAnswerToolCallAndUsage());
        List<GraphEvent> events;
        try (Stream<GraphEvent> s = single().events(Map.of("input", "find x"))) {
            events = s.toList();
        }
        assertThat(events.subList(0, 5)).containsExactly(
                new GraphEvent.NodeStarted("agent"),
                new GraphEvent.Token("agent", "Looking it up."),
                new GraphEvent.Thinking("agent", "Let me think."),
                new GraphEvent.ToolCall("agent", new LLMEvent.ToolCall(0, "call_1", "lookup", "{\"q\":\"x\"}")),
                new GraphEvent.Usage("agent", 11, 7));
        assertThat(events.get(5)).isInstanceOfSatisfying(GraphEvent.NodeFinished.class,
                f -> assertThat(f.update().update()).as("no state key is added")
                        .isEqualTo(Map.of("output", "Looking it up.")));
        assertThat(events.get(6)).isInstanceOf(GraphEvent.Done.class);
        assertThat(events).hasSize(7);
    }

    @Test
    void tokenStreamsSseAndNodeUpdatesShowTheAnswerOnly() {
        server.enqueue(thinkingAnswerToolCallAndUsage());
        try (Stream<String> tokens = GraphStreams.streamTokens(single(), Map.of("input", "find x"))) {
            assertThat(tokens).containsExactly("Looking it up.");
        }
        server.enqueue(thinkingAnswerToolCallAndUsage());
        try (Stream<GraphEvent.Token> tokens = GraphStreams.streamTaggedTokens(single(), Map.of("input", "find x"))) {
            assertThat(tokens).containsExactly(new GraphEvent.Token("agent", "Looking it up."));
        }
        server.enqueue(thinkingAnswerToolCallAndUsage());
        try (Stream<SseEvent> sse = GraphStreams.sseStream(single(), Map.of("input", "find x"))) {
            assertThat(sse).containsExactly(SseEvent.message("Looking it up."));
        }
        server.enqueue(thinkingAnswerToolCallAndUsage());
        try (Stream<NodeUpdate> updates = single().stream(Map.of("input", "find x"))) {
            assertThat(updates.map(NodeUpdate::update)).containsExactly(Map.of("output", "Looking it up."));
        }
    }

    @Test
    void aPlainAnswerSendsNoEmptySideEvents() {
        server.enqueue(OpenAIStreams.answer("Hi"));
        try (Stream<GraphEvent> s = single().events(Map.of("input", "hello"))) {
            assertThat(s.map(e -> e.getClass().getSimpleName())).containsExactly("NodeStarted", "Token",
                    "NodeFinished", "Done");
        }
    }

    @Test
    void answerKeyKeepsToolCallsUsageAndThinkingInTheState() {
        CompiledGraph graph = new StateGraph().addNode("agent", LlmNode.of(llm).answerKey("answer"))
                .setEntryPoint("agent").setFinishPoint("agent").compile();
        LlmAnswer expected = new LlmAnswer("Looking it up.", "Let me think.", "",
                List.of(new LLMEvent.ToolCall(0, "call_1", "lookup", "{\"q\":\"x\"}")), new LLMEvent.Usage(11, 7),
                "tool_calls");

        server.enqueue(thinkingAnswerToolCallAndUsage());
        assertThat(graph.invoke(Map.of("input", "find x"))).as("without a reader of tokens")
                .containsEntry("output", "Looking it up.").containsEntry("answer", expected);
        server.enqueue(thinkingAnswerToolCallAndUsage());
        try (Stream<NodeUpdate> updates = graph.stream(Map.of("input", "find x"))) {
            assertThat(updates.map(NodeUpdate::update)).containsExactly(
                    Map.of("output", "Looking it up.", "answer", expected));
        }
    }
}
