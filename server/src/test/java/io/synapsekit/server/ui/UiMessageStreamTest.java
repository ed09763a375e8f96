package io.synapsekit.server.ui;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.synapsekit.graph.CompiledGraph;
import io.synapsekit.graph.GraphStreams;
import io.synapsekit.graph.Interrupt;
import io.synapsekit.graph.MemoryCheckpointer;
import io.synapsekit.graph.StateGraph;
import io.synapsekit.llm.LLMEvent;
import io.synapsekit.llm.LLMException;
import io.synapsekit.rag.Chunk;
import io.synapsekit.rag.RAGEvent;
import io.synapsekit.rag.RetrievedChunk;
import io.synapsekit.server.AgentRuns;
import io.synapsekit.sse.SseEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The encoder from typed events to UI message stream chunks: order, ids, every mapping, failures and stop. */
class UiMessageStreamTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static List<JsonNode> chunks(Stream<SseEvent> events) {
        try (events) {
            return events.map(e -> {
                assertThat(e.event()).isEqualTo("message");
                try {
                    return JSON.readTree(e.data());
                } catch (Exception x) {
                    throw new AssertionError("not JSON: " + e.data(), x);
                }
            }).toList();
        }
    }

    private static List<String> types(List<JsonNode> chunks) {
        return chunks.stream().map(c -> c.get("type").asText()).toList();
    }

    private static String text(List<JsonNode> chunks) {
        return chunks.stream().filter(c -> c.get("type").asText().equals("text-delta"))
                .map(c -> c.get("delta").asText()).collect(Collectors.joining());
    }

    @Test
    void anLlmAnswerIsStartTextPartFinishWithTheMappedReasonAndUsage() {
        List<JsonNode> chunks = chunks(UiMessageStream.llm(Stream.of(
                new LLMEvent.Token("Hé\n"), new LLMEvent.Token("\"[DONE]\" 🚀"),
                new LLMEvent.Finish("length"), new LLMEvent.Usage(12, 3)), "msg-1"));

        assertThat(types(chunks)).containsExactly("start", "text-start", "text-delta", "text-delta", "text-end",
                "finish");
        assertThat(chunks.get(0).get("messageId").asText()).isEqualTo("msg-1");
        assertThat(text(chunks)).isEqualTo("Hé\n\"[DONE]\" 🚀");
        String id = chunks.get(1).get("id").asText();
        assertThat(chunks.subList(1, 5)).allSatisfy(c -> assertThat(c.get("id").asText()).isEqualTo(id));
        JsonNode finish = chunks.get(5);
        assertThat(finish.get("finishReason").asText()).isEqualTo("length");
        assertThat(finish.at("/messageMetadata/usage/inputTokens").asInt()).isEqualTo(12);
        assertThat(finish.at("/messageMetadata/usage/outputTokens").asInt()).isEqualTo(3);
    }

    @Test
    void everyCharacterOfATokenSurvivesTheJsonEscapes() {
        String nasty = "a\\b \"q\" \u0001\t\r\n\u2028 </script> é 🚀 plain";
        List<JsonNode> chunks = chunks(UiMessageStream.llm(Stream.of(new LLMEvent.Token(nasty),
                new LLMEvent.Token("plain"), new LLMEvent.Thinking(nasty)), "m\"id"));

        assertThat(text(chunks)).isEqualTo(nasty + "plain");
        assertThat(chunks.get(0).get("messageId").asText()).isEqualTo("m\"id");
        assertThat(chunks.get(6).get("delta").asText()).isEqualTo(nasty);
    }

    @Test
    void thinkingIsAReasoningPartAndEachSwitchOpensANewPart() {
        List<JsonNode> chunks = chunks(UiMessageStream.llm(Stream.of(
                new LLMEvent.Thinking("hmm"), new LLMEvent.Thinking(" ok"), new LLMEvent.Token("A"),
                new LLMEvent.Finish("stop")), "m"));

        assertThat(types(chunks)).containsExactly("start", "reasoning-start", "reasoning-delta", "reasoning-delta",
                "reasoning-end", "text-start", "text-delta", "text-end", "finish");
        assertThat(chunks.get(1).get("id").asText()).isNotEqualTo(chunks.get(5).get("id").asText());
        assertThat(chunks.get(8).get("finishReason").asText()).isEqualTo("stop");
    }

    @Test
    void toolCallsStreamTheirInputThenTheParsedInput() {
        List<JsonNode> chunks = chunks(UiMessageStream.llm(Stream.of(
                new LLMEvent.ToolCallDelta(0, "call_1", "weather", "{\"city\":"),
                new LLMEvent.ToolCallDelta(0, null, null, "\"Paris\"}"),
                new LLMEvent.ToolCall(0, "call_1", "weather", "{\"city\":\"Paris\"}"),
                new LLMEvent.ToolCall(1, null, "broken", "{not json"),
                new LLMEvent.Finish("tool_calls")), "m"));

        assertThat(types(chunks)).containsExactly("start", "tool-input-start", "tool-input-delta", "tool-input-delta",
                "tool-input-available", "tool-input-start", "tool-input-error", "finish");
        assertThat(chunks.get(1).get("toolCallId").asText()).isEqualTo("call_1");
        assertThat(chunks.get(1).get("toolName").asText()).isEqualTo("weather");
        assertThat(chunks.get(2).get("inputTextDelta").asText() + chunks.get(3).get("inputTextDelta").asText())
                .isEqualTo("{\"city\":\"Paris\"}");
        assertThat(chunks.get(4).get("input").get("city").asText()).isEqualTo("Paris");
        assertThat(chunks.get(5).get("toolCallId").asText()).isEqualTo("m-call-1");
        assertThat(chunks.get(6).get("input").asText()).isEqualTo("{not json");
        assertThat(chunks.get(7).get("finishReason").asText()).isEqualTo("tool-calls");
    }

    @Test
    void ragSourcesComeAsSourceDocumentsBeforeTheFirstTextDelta() {
        RetrievedChunk a = new RetrievedChunk(new Chunk("doc1#0", "doc1", "RAG is…", Map.of("source", "rag.md")), 2.0);
        RetrievedChunk b = new RetrievedChunk(new Chunk("doc2#3", "doc2", "SSE is…", Map.of()), 1.0);
        List<JsonNode> chunks = chunks(UiMessageStream.rag(Stream.of(new RAGEvent.Sources(List.of(a, b)),
                new RAGEvent.Token("RAG"), new RAGEvent.Usage(null, 4), new RAGEvent.Done("RAG", "stop")), "m"));

        assertThat(types(chunks)).containsExactly("start", "source-document", "source-document", "text-start",
                "text-delta", "text-end", "finish");
        assertThat(chunks.get(1).get("sourceId").asText()).isEqualTo("doc1#0");
        assertThat(chunks.get(1).get("title").asText()).isEqualTo("rag.md");
        assertThat(chunks.get(1).get("mediaType").asText()).isEqualTo("text/plain");
        assertThat(chunks.get(2).get("title").asText()).isEqualTo(b.source());
        assertThat(chunks.get(6).at("/messageMetadata/usage").has("inputTokens")).isFalse();
        assertThat(chunks.get(6).at("/messageMetadata/usage/outputTokens").asInt()).isEqualTo(4);
    }

    @Test
    void aRefusalIsShownAsATextPartOfItsOwn() {
        List<JsonNode> chunks = chunks(UiMessageStream.llm(Stream.of(new LLMEvent.Token("I"),
                new LLMEvent.Refusal("I can't help with that.")), "m"));

        assertThat(types(chunks)).containsExactly("start", "text-start", "text-delta", "text-end", "text-start",
                "text-delta", "text-end", "finish");
        assertThat(chunks.get(1).get("id").asText()).isNotEqualTo(chunks.get(4).get("id").asText());
        assertThat(chunks.get(7).get("finishReason").asText()).isEqualTo("unknown");
    }

    @Test
    void anAgentNodesToolCallsStreamTheirInputAndTheirResultsAsOutputParts() {
        List<JsonNode> chunks = chunks(UiMessageStream.graph(AgentRuns.weatherLookup(), "m"));

        assertThat(types(chunks)).containsExactly("start", "start-step", "data-node",
                "reasoning-start", "reasoning-delta", "reasoning-end",
                "tool-input-start", "tool-input-delta", "tool-input-delta", "tool-input-available",
                "tool-input-start", "tool-input-available", "tool-output-available", "tool-output-error",
                "text-start", "text-delta", "text-end", "data-node", "finish-step", "finish");
        assertThat(chunks.get(6).get("toolCallId").asText()).isEqualTo("call-1");
        assertThat(chunks.get(9).at("/input/city").asText()).isEqualTo("Paris");
        assertThat(chunks.get(12).get("toolCallId").asText()).isEqualTo("call-1");
        assertThat(chunks.get(12).at("/output/sky").asText()).isEqualTo("rain");
        assertThat(chunks.get(13).get("toolCallId").asText()).isEqualTo("call-2");
        assertThat(chunks.get(13).get("errorText").asText()).isEqualTo("date: missing");
        assertThat(chunks.get(19).at("/messageMetadata/usage/inputTokens").asInt()).isEqualTo(10);
    }

    @Test
    void aPausedGraphRunEndsItsStepWithADataInterruptPartAndFinishesTheMessage() {
        CompiledGraph graph = new StateGraph()
                .addNode("draft", state -> Map.of("draft", "v1"))
                .addNode("approve", state -> Map.of("approved", Interrupt.ask(Map.of("question", "Publish?"))))
                .addEdge("draft", "approve")
                .setEntryPoint("draft")
                .setFinishPoint("approve")
                .compile()
                .withCheckpointer(new MemoryCheckpointer());

        List<JsonNode> chunks = chunks(UiMessageStream.graph(graph.events("t1", Map.of("input", "q")), "m"));

        assertThat(types(chunks)).endsWith("start-step", "data-node", "data-interrupt", "finish-step", "finish");
        JsonNode interrupt = chunks.get(chunks.size() - 3);
        assertThat(interrupt.at("/data/node").asText()).isEqualTo("approve");
        assertThat(interrupt.at("/data/payload/question").asText()).isEqualTo("Publish?");
        assertThat(interrupt.at("/data/checkpointId").asText()).isNotBlank().isEqualTo(interrupt.get("id").asText());
        assertThat(chunks.get(chunks.size() - 1).get("finishReason").asText()).isEqualTo("other");
    }

    @Test
    void graphNodesAreStepsWithADataNodePartAndRetrievedChunksInAnUpdateBecomeSources() {
        RetrievedChunk chunk = new RetrievedChunk(new Chunk("c1", "d1", "text", Map.of("source", "a.md")), 1.0);
        CompiledGraph graph = new StateGraph()
                .addNode("retrieve", state -> Map.of("sources", List.of(chunk)))
                .addNode("answer", state -> {
                    GraphStreams.emitToken("Hello");
                    GraphStreams.emitToken(" world");
                    return Map.of("answer", "Hello world");
                })
                .addEdge("retrieve", "answer")
                .setEntryPoint("retrieve")
                .compile();

        List<JsonNode> chunks = chunks(UiMessageStream.graph(graph.events(Map.of("input", "q")), "m"));

        assertThat(types(chunks)).containsExactly("start",
                "start-step", "data-node", "source-document", "data-node", "finish-step",
                "start-step", "data-node", "text-start", "text-delta", "text-delta", "text-end", "data-node",
                "finish-step", "finish");
        assertThat(chunks.get(2).get("id").asText()).isEqualTo(chunks.get(4).get("id").asText());
        assertThat(chunks.get(2).at("/data/node").asText()).isEqualTo("retrieve");
        assertThat(chunks.get(2).at("/data/status").asText()).isEqualTo("running");
        assertThat(chunks.get(4).at("/data/status").asText()).isEqualTo("finished");
        assertThat(chunks.get(3).get("title").asText()).isEqualTo("a.md");
        assertThat(chunks.get(12).at("/data/update/answer").asText()).isEqualTo("Hello world");
        assertThat(chunks.get(7).get("id").asText()).isNotEqualTo(chunks.get(2).get("id").asText());
        assertThat(text(chunks)).isEqualTo("Hello world");
        assertThat(chunks.get(14).get("finishReason").asText()).isEqualTo("stop");
    }

    @Test
    void aFailedGraphEndsWithASafeErrorAndFinishError() {
        CompiledGraph graph = new StateGraph()
                .addNode("boom", state -> {
                    throw new IllegalStateException("secret internals at /etc/passwd");
                })
                .setEntryPoint("boom")
                .compile();

        List<JsonNode> chunks = chunks(UiMessageStream.graph(graph.events(Map.of()), "m"));

        List<String> types = types(chunks);
        assertThat(types.subList(types.size() - 2, types.size())).containsExactly("error", "finish");
        assertThat(types).containsOnlyOnce("finish");
        assertThat(chunks.get(chunks.size() - 1).get("finishReason").asText()).isEqualTo("error");
        String error = chunks.get(chunks.size() - 2).get("errorText").asText();
        assertThat(error).contains("boom").doesNotContain("\tat ");
    }

    @Test
    void aSourceThatThrowsEndsWithErrorThenFinishAndOnlySynapseKitMessagesAreShown() {
        Stream<LLMEvent> failing = Stream.concat(Stream.of(new LLMEvent.Token("partial")),
                Stream.generate(() -> {
                    throw new IllegalStateException("jdbc://user:password@db");
                }));
        List<JsonNode> chunks = chunks(UiMessageStream.llm(failing, "m"));

        assertThat(types(chunks)).containsExactly("start", "text-start", "text-delta", "text-end", "error", "finish");
        assertThat(chunks.get(4).get("errorText").asText()).isEqualTo("the answer failed");
        assertThat(chunks.get(5).get("finishReason").asText()).isEqualTo("error");

        Stream<LLMEvent> llmFailure = Stream.generate(() -> {
            throw new LLMException("openai", 429, "rate limited", null, null);
        });
        List<JsonNode> shown = chunks(UiMessageStream.llm(llmFailure, "m"));
        assertThat(shown.get(1).get("errorText").asText()).isEqualTo("openai: HTTP 429: rate limited");
    }

    @Test
    void closingTheStreamFromAnotherThreadStopsTheSourceAndEndsWithAbort() throws Exception {
        BlockingQueue<LLMEvent> upstream = new ArrayBlockingQueue<>(4);
        AtomicBoolean sourceClosed = new AtomicBoolean();
        CountDownLatch reading = new CountDownLatch(1);
        Stream<LLMEvent> source = Stream.generate(() -> {
            reading.countDown();
            try {
                LLMEvent e = upstream.poll(10, TimeUnit.SECONDS);
                if (e == null || sourceClosed.get()) {
                    throw new IllegalStateException("closed");
                }
                return e;
            } catch (InterruptedException x) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(x);
            }
        }).onClose(() -> {
            sourceClosed.set(true);
            upstream.offer(new LLMEvent.Token("wake"));
        });
        Stream<SseEvent> encoded = UiMessageStream.llm(source, "m");
        upstream.add(new LLMEvent.Token("one"));
        List<JsonNode> read = new ArrayList<>();
        var it = encoded.iterator();
        while (read.size() < 3) {
            read.add(JSON.readTree(it.next().data()));
        }
        reading.await(5, TimeUnit.SECONDS);
        Thread stopper = Thread.ofVirtual().start(encoded::close);
        stopper.join(5_000);
        while (it.hasNext()) {
            read.add(JSON.readTree(it.next().data()));
        }

        assertThat(sourceClosed).isTrue();
        assertThat(types(read)).containsExactly("start", "text-start", "text-delta", "text-end", "abort");
    }

    @Test
    void stoppingAGraphRunEndsWithAbortAndNoError() throws Exception {
        CountDownLatch tokenSent = new CountDownLatch(1);
        CountDownLatch interrupted = new CountDownLatch(1);
        CompiledGraph graph = new StateGraph()
                .addNode("answer", state -> {
                    GraphStreams.emitToken("first");
                    tokenSent.countDown();
                    try {
                        new CountDownLatch(1).await(); // a model that never sends again
                    } catch (InterruptedException e) {
                        interrupted.countDown();
                        throw e;
                    }
                    return Map.of();
                })
                .setEntryPoint("answer")
                .compile();
        Stream<SseEvent> encoded = UiMessageStream.graph(graph.events(Map.of()), "m");
        var it = encoded.iterator();
        List<JsonNode> read = new ArrayList<>();
        while (read.size() < 5) {
            read.add(JSON.readTree(it.next().data()));
        }
        assertThat(tokenSent.await(5, TimeUnit.SECONDS)).isTrue();
        Thread.ofVirtual().start(encoded::close).join(5_000);
        while (it.hasNext()) {
            read.add(JSON.readTree(it.next().data()));
        }

        assertThat(interrupted.await(5, TimeUnit.SECONDS)).as("the node was interrupted").isTrue();
        List<String> types = types(read);
        assertThat(types).doesNotContain("error", "finish");
        assertThat(types.get(types.size() - 1)).isEqualTo("abort");
        assertThat(text(read)).isEqualTo("first");
    }

    @Test
    void finishReasonsMapToTheProtocolsEnum() {
        assertThat(UiMessageEncoder.finishReason("stop")).isEqualTo("stop");
        assertThat(UiMessageEncoder.finishReason("end_turn")).isEqualTo("stop");
        assertThat(UiMessageEncoder.finishReason("MAX_TOKENS")).isEqualTo("length");
        assertThat(UiMessageEncoder.finishReason("tool_use")).isEqualTo("tool-calls");
        assertThat(UiMessageEncoder.finishReason("SAFETY")).isEqualTo("content-filter");
        assertThat(UiMessageEncoder.finishReason("something_new")).isEqualTo("other");
    }

    @Test
    void messageIdsAreUniqueAndTheBlankOneIsRefused() {
        assertThat(UiMessageStream.newMessageId()).startsWith("msg-").isNotEqualTo(UiMessageStream.newMessageId());
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> UiMessageStream.llm(Stream.empty(), " "))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("messageId");
    }
}
