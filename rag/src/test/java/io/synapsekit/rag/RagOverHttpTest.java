package io.synapsekit.rag;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.synapsekit.llm.ChatMessage;
import io.synapsekit.llm.GenerateOptions;
import io.synapsekit.llm.LLM;
import io.synapsekit.llm.openai.OpenAILLM;
import io.synapsekit.testing.OpenAIWire;
import io.synapsekit.testing.StreamingBodies;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Sections 2 and 8 of the streaming guide, against an OpenAI-compatible server on loopback: what is sent
 * upstream, what streams back, and the release of the connection when the client stops early.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RagOverHttpTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final MockWebServer server = new MockWebServer();
    private final CountDownLatch resume = new CountDownLatch(1);
    private LLM llm;

    @BeforeEach
    void start() throws Exception {
        server.start();
        llm = OpenAILLM.builder().model("gpt-4o-mini").apiKey("sk-test-secret-123")
                .baseUrl(server.url("/v1").toString()).build();
    }

    @AfterEach
    void stop() {
        resume.countDown();
        server.close();
    }

    private static MockResponse sse(String body) {
        return new MockResponse.Builder().setHeader("Content-Type", "text/event-stream").body(body).build();
    }

    private JsonNode takeRequestBody() throws Exception {
        RecordedRequest request = server.takeRequest(5, TimeUnit.SECONDS);
        assertThat(request).as("a request reached the server").isNotNull();
        return JSON.readTree(request.getBody().utf8());
    }

    private static String lastUserMessage(JsonNode body) {
        JsonNode messages = body.get("messages");
        return messages.get(messages.size() - 1).get("content").asText();
    }

    @Test
    void section2StreamsTheAnswerWithTheRetrievedChunkSentUpstream() throws Exception {
        server.enqueue(sse(OpenAIWire.answer("SynapseKit", " supports", " streaming", " by", " default", ".")));
        RAG rag = new RAG(llm);
        rag.add(List.of(
                "SynapseKit supports streaming by default across all LLM providers.",
                "The RAG pipeline retrieves context before generating an answer.",
                "Streaming reduces time-to-first-token, improving perceived latency."));

        String answer;
        try (Stream<String> tokens = rag.stream("What does SynapseKit support?")) {
            answer = tokens.collect(Collectors.joining());
        }

        assertThat(answer).isEqualTo("SynapseKit supports streaming by default.");
        JsonNode body = takeRequestBody();
        String prompt = lastUserMessage(body);
        assertThat(prompt).contains("SynapseKit supports streaming by default across all LLM providers.")
                .contains("Question: What does SynapseKit support?")
                .contains("--- [1] source: text-1 ---");
        assertThat(prompt.indexOf("SynapseKit supports streaming by default"))
                .as("the chunk that matches best comes first")
                .isLessThan(prompt.indexOf("Question:"));
        assertThat(body.get("messages").get(0).get("role").asText()).isEqualTo("system");
        assertThat(body.get("stream").asBoolean()).isTrue();
    }

    @Test
    void section8CountsExactlyTheTokensTheServerStreamed() throws Exception {
        List<String> streamed = List.of("SynapseKit", " is", " a", " Python", " library", " for", " building",
                " LLM", " applications", ".", " It", " streams.");
        server.enqueue(sse(OpenAIWire.answer(streamed.toArray(String[]::new))));
        RAG rag = new RAG(llm);
        rag.add("SynapseKit is a Python library for building LLM applications.");

        AtomicInteger tokenCount = new AtomicInteger();
        StringBuilder printed = new StringBuilder();
        try (Stream<String> tokens = rag.stream("What is SynapseKit?")) {
            tokens.forEach(t -> {
                tokenCount.incrementAndGet();
                printed.append(t);
            });
        }
        printed.append("\n\nTotal tokens streamed: ").append(tokenCount.get());

        assertThat(tokenCount.get()).isEqualTo(streamed.size());
        assertThat(printed.toString()).endsWith("Total tokens streamed: " + streamed.size())
                .startsWith(String.join("", streamed));
        assertThat(lastUserMessage(takeRequestBody()))
                .contains("SynapseKit is a Python library for building LLM applications.");
    }

    @Test
    void eventsGiveSourcesFirstThenTokensThenTheServersUsageOnceThenDone() throws Exception {
        server.enqueue(sse(OpenAIWire.answer("Mars", " is", " red.")));
        RAG rag = new RAG(llm);
        rag.add("Mars is red because of iron oxide dust.", "Venus is covered by clouds of sulfuric acid.");

        List<RAGEvent> events;
        try (Stream<RAGEvent> s = rag.events("Why is Mars red?")) {
            events = s.toList();
        }

        assertThat(events.get(0)).isInstanceOf(RAGEvent.Sources.class);
        RAGEvent.Sources sources = (RAGEvent.Sources) events.get(0);
        assertThat(sources.chunks()).extracting(RetrievedChunk::text)
                .containsExactly("Mars is red because of iron oxide dust.");
        assertThat(events.subList(1, 4)).containsExactly(
                new RAGEvent.Token("Mars"), new RAGEvent.Token(" is"), new RAGEvent.Token(" red."));
        // OpenAIWire.answer reports prompt_tokens 9 and one completion token per token: passed on, not re-counted.
        assertThat(events.get(4)).isEqualTo(new RAGEvent.Usage(9, 3));
        assertThat(events.get(5)).isEqualTo(new RAGEvent.Done("Mars is red.", "stop"));
        assertThat(events).hasSize(6);
        assertThat(events).filteredOn(RAGEvent.Usage.class::isInstance).hasSize(1);
    }

    @Test
    void whenNothingMatchesTheModelIsToldSoInsteadOfGivenNoise() throws Exception {
        server.enqueue(sse(OpenAIWire.answer("I", " don't", " know.")));
        RAG rag = RAG.builder(llm).noContextText("NOTHING RELEVANT WAS FOUND").build();
        rag.add("Saturn's rings are made of ice.");

        List<RAGEvent> events;
        try (Stream<RAGEvent> s = rag.events("Who painted the Mona Lisa?")) {
            events = s.toList();
        }

        assertThat(((RAGEvent.Sources) events.get(0)).chunks()).isEmpty();
        String prompt = lastUserMessage(takeRequestBody());
        assertThat(prompt).contains("NOTHING RELEVANT WAS FOUND").doesNotContain("Saturn").doesNotContain("[1]");
    }

    private static List<String> systemMessages(JsonNode body) {
        List<String> system = new ArrayList<>();
        body.get("messages").forEach(m -> {
            if (m.get("role").asText().equals("system")) {
                system.add(m.get("content").asText());
            }
        });
        return system;
    }

    @Test
    void perCallOptionsAreMergedOverTheBuildersAndReachTheWire() throws Exception {
        for (int i = 0; i < 8; i++) {
            server.enqueue(sse(OpenAIWire.answer("ok")));
        }
        RAG rag = RAG.builder(llm).options(GenerateOptions.builder().model("gpt-4o").temperature(0.1).maxTokens(50)
                .stop("END").build()).build();
        rag.add("Mars is red because of iron oxide dust.");
        GenerateOptions call = GenerateOptions.builder().temperature(0.7).maxTokens(20).system("Answer in French.")
                .build();

        try (Stream<String> tokens = rag.stream("Why is Mars red?", call)) {
            assertThat(tokens.toList()).containsExactly("ok");
        }
        JsonNode body = takeRequestBody();
        assertThat(body.get("temperature").asDouble()).isEqualTo(0.7);
        assertThat(body.get("max_tokens").asInt()).isEqualTo(20);
        assertThat(body.get("model").asText()).as("unset in the call: the builder's").isEqualTo("gpt-4o");
        assertThat(body.get("stop").get(0).asText()).isEqualTo("END");
        assertThat(systemMessages(body)).as("the call's system prompt replaces the RAG's")
                .containsExactly("Answer in French.");
        assertThat(lastUserMessage(body)).contains("Question: Why is Mars red?");

        try (Stream<RAGEvent> events = rag.events("Why is Mars red?", call)) {
            assertThat(events.toList()).last().isEqualTo(new RAGEvent.Done("ok", "stop"));
        }
        assertThat(takeRequestBody().get("max_tokens").asInt()).isEqualTo(20);
        assertThat(rag.ask("Why is Mars red?", GenerateOptions.builder().temperature(1.5).build())).isEqualTo("ok");
        body = takeRequestBody();
        assertThat(body.get("temperature").asDouble()).isEqualTo(1.5);
        assertThat(body.get("max_tokens").asInt()).isEqualTo(50);
        assertThat(systemMessages(body)).hasSize(1).first().asString().contains("numbered");

        assertThat(rag.ask("Why is Mars red?")).isEqualTo("ok");
        body = takeRequestBody();
        assertThat(body.get("temperature").asDouble()).as("a call's options do not stick").isEqualTo(0.1);
        assertThat(systemMessages(body)).hasSize(1).first().asString().doesNotContain("French");

        assertThat(rag.ask("Why is Mars red?", GenerateOptions.system(""))).isEqualTo("ok");
        assertThat(systemMessages(takeRequestBody())).as("an empty system prompt sends none").isEmpty();

        RAG.Session session = rag.session("s");
        try (Stream<String> tokens = session.stream("Why is Mars red?", call)) {
            assertThat(tokens.toList()).containsExactly("ok");
        }
        body = takeRequestBody();
        assertThat(body.get("temperature").asDouble()).isEqualTo(0.7);
        assertThat(systemMessages(body)).containsExactly("Answer in French.");
        try (Stream<RAGEvent> events = session.events("And Venus?", call)) {
            events.forEach(e -> { });
        }
        body = takeRequestBody();
        assertThat(body.get("max_tokens").asInt()).isEqualTo(20);
        assertThat(body.get("messages").get(1).get("content").asText()).as("the session's turn went along")
                .isEqualTo("Why is Mars red?");
        assertThat(session.ask("And Jupiter?", call)).isEqualTo("ok");
        assertThat(takeRequestBody().get("temperature").asDouble()).isEqualTo(0.7);
        assertThat(session.history()).hasSize(6);
    }

    @Test
    void closingTheStreamEarlyDisconnectsFromTheServer() throws Exception {
        CountDownLatch clientLeft = new CountDownLatch(1);
        server.enqueue(new MockResponse.Builder().setHeader("Content-Type", "text/event-stream")
                .body(StreamingBodies.endless(clientLeft)).build());
        RAG rag = new RAG(llm);
        rag.add("Streaming answers token by token.");

        List<String> first;
        try (Stream<String> tokens = rag.stream("How are answers streamed?")) {
            first = tokens.limit(3).toList();
        }

        assertThat(first).containsExactly("t0 ", "t1 ", "t2 ");
        assertThat(clientLeft.await(5, TimeUnit.SECONDS)).as("server saw the disconnect").isTrue();
    }

    @Test
    void sessionRemembersAnAnswerCutOffByTheClientAndSendsItNextTime() throws Exception {
        CountDownLatch clientLeft = new CountDownLatch(1);
        server.enqueue(new MockResponse.Builder().setHeader("Content-Type", "text/event-stream")
                .body(StreamingBodies.endless(clientLeft)).build());
        server.enqueue(sse(OpenAIWire.answer("Second", " answer.")));
        RAG rag = new RAG(llm);
        rag.add("Streaming answers token by token.");

        try (Stream<String> tokens = rag.session("alice").stream("How are answers streamed?")) {
            assertThat(tokens.limit(2).toList()).containsExactly("t0 ", "t1 ");
        }
        assertThat(clientLeft.await(5, TimeUnit.SECONDS)).as("server saw the disconnect").isTrue();
        assertThat(rag.session("alice").history()).containsExactly(
                ChatMessage.user("How are answers streamed?"), ChatMessage.assistant("t0 t1 "));

        assertThat(rag.session("alice").ask("And then?")).isEqualTo("Second answer.");
        takeRequestBody(); // the first request
        JsonNode messages = takeRequestBody().get("messages");
        List<String> roles = new ArrayList<>();
        messages.forEach(m -> roles.add(m.get("role").asText()));
        assertThat(roles).containsExactly("system", "user", "assistant", "user");
        assertThat(messages.get(1).get("content").asText()).isEqualTo("How are answers streamed?");
        assertThat(messages.get(2).get("content").asText()).isEqualTo("t0 t1 ");
        assertThat(messages.get(3).get("content").asText()).contains("Question: And then?");
        assertThat(rag.session("alice").history()).hasSize(4).endsWith(ChatMessage.assistant("Second answer."));
    }

    @Test
    void interruptingTheReaderCancelsTheRequestAndTheSessionKeepsThePartialAnswer() throws Exception {
        CountDownLatch clientLeft = new CountDownLatch(1);
        server.enqueue(new MockResponse.Builder().setHeader("Content-Type", "text/event-stream")
                .body(StreamingBodies.stallAfter(OpenAIWire.role() + OpenAIWire.token("partial"), resume, clientLeft))
                .build());
        RAG rag = new RAG(llm);
        rag.add("Streaming answers token by token.");
        CountDownLatch firstToken = new CountDownLatch(1);
        java.util.concurrent.BlockingQueue<Object> outcome = new java.util.concurrent.ArrayBlockingQueue<>(1);

        Thread reader = Thread.ofVirtual().name("rag-reader").start(() -> {
            try (Stream<String> tokens = rag.session("bob").stream("How are answers streamed?")) {
                tokens.forEach(t -> firstToken.countDown());
                outcome.add("ended without cancellation");
            } catch (Throwable e) {
                outcome.add(e);
            }
        });
        assertThat(firstToken.await(5, TimeUnit.SECONDS)).isTrue();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (reader.getState() != Thread.State.WAITING && System.nanoTime() < deadline) {
            Thread.onSpinWait(); // until the reader blocks on the stalled body
        }
        reader.interrupt();

        Object result = outcome.poll(10, TimeUnit.SECONDS);
        assertThat(result).isInstanceOfSatisfying(io.synapsekit.llm.CancelledException.class,
                e -> assertThat(e.partialText()).isEqualTo("partial"));
        resume.countDown(); // the server writes again, and finds the connection gone
        assertThat(clientLeft.await(5, TimeUnit.SECONDS)).as("server saw the disconnect").isTrue();
        assertThat(rag.session("bob").history()).containsExactly(
                ChatMessage.user("How are answers streamed?"), ChatMessage.assistant("partial"));
    }

    @Test
    void hybridRetrievalWithOpenAIEmbeddingsSendsTheChunkOnlyVectorsFound() throws Exception {
        // One server plays both endpoints: embeddings answer with concept vectors, chat answers with SSE.
        server.setDispatcher(new mockwebserver3.Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) {
                if (request.getUrl().encodedPath().endsWith("/embeddings")) {
                    try {
                        JsonNode input = JSON.readTree(request.getBody().utf8()).get("input");
                        StringBuilder data = new StringBuilder("{\"data\":[");
                        for (int i = 0; i < input.size(); i++) {
                            float[] v = ConceptEmbeddings.vector(input.get(i).asText());
                            data.append(i > 0 ? "," : "").append("{\"index\":").append(i).append(",\"embedding\":")
                                    .append(java.util.Arrays.toString(v)).append('}');
                        }
                        return new MockResponse.Builder().setHeader("Content-Type", "application/json")
                                .body(data.append("]}").toString()).build();
                    } catch (java.io.IOException e) {
                        return new MockResponse.Builder().code(400).build();
                    }
                }
                return sse(OpenAIWire.answer("It", " is", " parked."));
            }
        });
        io.synapsekit.rag.embeddings.OpenAIEmbeddings embeddings = io.synapsekit.rag.embeddings.OpenAIEmbeddings
                .builder().apiKey("sk-test-secret-123").baseUrl(server.url("/v1").toString()).build();
        RAG rag = RAG.builder(llm).embeddings(embeddings).topK(1).build();
        rag.add("The automobile stands in the garage.", "A kitten sleeps on the sofa.");

        assertThat(rag.ask("Where is my car?")).isEqualTo("It is parked.");

        String prompt = null;
        for (int i = 0; i < 3 && prompt == null; i++) { // one embeddings call to index, one for the query, one chat
            RecordedRequest r = server.takeRequest(5, TimeUnit.SECONDS);
            if (r.getUrl().encodedPath().endsWith("/chat/completions")) {
                prompt = lastUserMessage(JSON.readTree(r.getBody().utf8()));
            }
        }
        assertThat(prompt).as("BM25 alone finds nothing for 'car'; the vectors found the automobile")
                .contains("The automobile stands in the garage.").doesNotContain("kitten");
    }
}
