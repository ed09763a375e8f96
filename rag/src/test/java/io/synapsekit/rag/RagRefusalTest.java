package io.synapsekit.rag;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.synapsekit.llm.LLM;
import io.synapsekit.llm.LLMException;
import io.synapsekit.llm.openai.OpenAILLM;
import io.synapsekit.sse.SseEvent;
import io.synapsekit.sse.SseWriter;
import io.synapsekit.testing.OpenAIWire;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A RAG answer the model refuses, OpenAI-style ({@code delta.refusal}) over a loopback server, and
 * {@link RAG#sseStream(Stream)}, which serves a RAG answer over SSE with its refusal.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class RagRefusalTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SORRY = "I'm sorry, I can't help with that.";

    private final MockWebServer server = new MockWebServer();
    private RAG rag;

    @BeforeEach
    void start() throws Exception {
        server.start();
        LLM llm = OpenAILLM.builder().model("gpt-4o-mini").apiKey("sk-test-secret-123").maxRetries(0)
                .baseUrl(server.url("/v1").toString()).build();
        rag = new RAG(llm);
        rag.add("Locks keep doors shut.", "Keys open locks.");
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private static MockResponse sse(String body) {
        return new MockResponse.Builder().setHeader("Content-Type", "text/event-stream").body(body).build();
    }

    /** OpenAI's refusal wire: opening chunk with {@code "refusal":null}, refusal deltas, finish, usage, [DONE]. */
    private static MockResponse refusal(String... pieces) {
        StringBuilder s = new StringBuilder(OpenAIWire.chunk("{\"id\":\"c1\",\"object\":\"chat.completion.chunk\","
                + "\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":null,\"refusal\":null},"
                + "\"finish_reason\":null}]}"));
        for (String p : pieces) {
            s.append(OpenAIWire.chunk("{\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,"
                    + "\"delta\":{\"refusal\":" + OpenAIWire.quote(p) + "},\"finish_reason\":null}]}"));
        }
        return sse(s.append(OpenAIWire.finish("stop")).append(OpenAIWire.usage(12, 9)).append(OpenAIWire.done())
                .toString());
    }

    @Test
    void eventsCarryTheRefusalWholeAndTokensStayEmpty() {
        server.enqueue(refusal("I'm sorry, ", "I can't help with that."));
        List<RAGEvent> events;
        try (Stream<RAGEvent> s = rag.events("How do I pick a lock?")) {
            events = s.toList();
        }
        assertThat(events.get(0)).isInstanceOf(RAGEvent.Sources.class);
        assertThat(events.subList(1, events.size())).containsExactly(new RAGEvent.Refusal(SORRY),
                new RAGEvent.Usage(12, 9), new RAGEvent.Done("", "stop"));

        server.enqueue(refusal(SORRY));
        try (Stream<String> tokens = rag.stream("How do I pick a lock?")) {
            assertThat(tokens.toList()).isEmpty();
        }
    }

    @Test
    void sseStreamSendsTheRefusalAsARefusalEventInTheGraphsDialect() throws Exception {
        server.enqueue(refusal("I'm sorry, ", "I can't help with that."));
        List<SseEvent> events;
        try (Stream<SseEvent> s = RAG.sseStream(rag.events("How do I pick a lock?"))) {
            events = s.toList();
        }
        assertThat(events).hasSize(1);
        assertThat(events.get(0).event()).isEqualTo("refusal");
        JsonNode data = JSON.readTree(events.get(0).data());
        assertThat(data.get("text").asText()).isEqualTo(SORRY);
        assertThat(data.size()).isEqualTo(1);

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        events.forEach(new SseWriter(out)::write);
        assertThat(out.toString(StandardCharsets.UTF_8)).as("no ids, no [DONE]: the server's to add")
                .isEqualTo("event: refusal\ndata: {\"text\":\"I'm sorry, I can't help with that.\"}\n\n");
    }

    @Test
    void sseStreamSendsEachTokenAsAMessageAndNothingElse() {
        server.enqueue(sse(OpenAIWire.answer("Keys", " open", " locks.")));
        try (Stream<SseEvent> s = RAG.sseStream(rag.events("What opens locks?"))) {
            assertThat(s).containsExactly(SseEvent.message("Keys"), SseEvent.message(" open"),
                    SseEvent.message(" locks."));
        }
    }

    @Test
    void closingTheSseStreamEarlyClosesTheAnswer() {
        ScriptedLLM llm = ScriptedLLM.answering("a", "b", "c");
        RAG scripted = new RAG(llm);
        scripted.add("Keys open locks.");
        try (Stream<SseEvent> s = RAG.sseStream(scripted.events("What opens locks?"))) {
            Iterator<SseEvent> it = s.iterator();
            assertThat(it.next()).isEqualTo(SseEvent.message("a"));
        }
        assertThat(llm.opened.get()).isEqualTo(1);
        assertThat(llm.closed.get()).as("closing the SSE stream closed the LLM stream").isEqualTo(1);
    }

    @Test
    void aFailureIsThrownAfterTheEventsBeforeItForTheServerToReport() {
        server.enqueue(sse(OpenAIWire.role() + OpenAIWire.token("so far"))); // ends without finish or [DONE]
        Iterator<SseEvent> it;
        try (Stream<SseEvent> s = RAG.sseStream(rag.events("What opens locks?"))) {
            it = s.iterator();
            assertThat(it.next()).isEqualTo(SseEvent.message("so far"));
            assertThatThrownBy(it::hasNext).isInstanceOfSatisfying(LLMException.class,
                    e -> assertThat(e.partialText()).isEqualTo("so far"));
        }
    }
}
