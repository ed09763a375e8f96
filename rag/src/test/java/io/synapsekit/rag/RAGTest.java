package io.synapsekit.rag;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.synapsekit.llm.ChatMessage;
import io.synapsekit.llm.GenerateOptions;
import io.synapsekit.llm.ToolSpec;
import io.synapsekit.rag.embeddings.InMemoryVectorStore;
import io.synapsekit.rag.retrieval.Bm25Retriever;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** RAG with an in-memory LLM: ingestion, prompts, memory, saving and concurrency. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RAGTest {

    @TempDir
    Path dir;

    /** An LLM that answers with the rendered prompt, word by word, so tests can see what it was given. */
    static ScriptedLLM echo() {
        return new ScriptedLLM(messages -> List.of(ScriptedLLM.prompt(messages).split("(?<= )")));
    }

    @Test
    void askReturnsTheWholeAnswerAndRetrieveRanksWithScoresAndMetadata() {
        ScriptedLLM llm = ScriptedLLM.answering("Forty", "-two.");
        RAG rag = new RAG(llm);
        rag.add(new Document("guide", "The answer to everything is forty-two.", Map.of("source", "guide.md", "lang", "en")));
        rag.add("Unrelated text about gardening and roses.");

        assertThat(rag.ask("What is the answer to everything?")).isEqualTo("Forty-two.");
        List<RetrievedChunk> found = rag.retrieve("answer to everything");
        assertThat(found).hasSize(1);
        assertThat(found.get(0).source()).isEqualTo("guide.md");
        assertThat(found.get(0).chunk().metadata()).containsEntry("lang", "en");
        assertThat(found.get(0).chunk().id()).isEqualTo("guide#0");
        assertThat(found.get(0).score()).isPositive();
        assertThat(llm.closed.get()).isEqualTo(llm.opened.get());
    }

    @Test
    void aRefusalIsItsOwnEventNeverAnAnswerToken() {
        io.synapsekit.llm.LLM refusing = (messages, options) -> io.synapsekit.stream.CloseableIterator.of(List.of(
                new io.synapsekit.llm.LLMEvent.Refusal("I'm sorry, "),
                new io.synapsekit.llm.LLMEvent.Refusal("I can't help with that."),
                new io.synapsekit.llm.LLMEvent.Finish("stop"), new io.synapsekit.llm.LLMEvent.Usage(7, 5)));
        RAG rag = new RAG(refusing);
        rag.add("The answer to everything is forty-two.");

        List<RAGEvent> events;
        try (Stream<RAGEvent> s = rag.events("What is the answer to everything?")) {
            events = s.toList();
        }
        assertThat(events).hasSize(4);
        assertThat(events.get(0)).isInstanceOf(RAGEvent.Sources.class);
        assertThat(events.subList(1, 4)).containsExactly(new RAGEvent.Refusal("I'm sorry, I can't help with that."),
                new RAGEvent.Usage(7, 5), new RAGEvent.Done("", "stop"));
        try (Stream<String> tokens = rag.stream("What is the answer to everything?")) {
            assertThat(tokens.toList()).as("no refusal text among the answer tokens").isEmpty();
        }
        assertThat(rag.ask("What is the answer to everything?")).isEmpty();
    }

    @Test
    void promptHasNumberedDelimitedBlocksWithSourcesAndTheQuestionLast() {
        ScriptedLLM llm = echo();
        RAG rag = RAG.builder(llm).topK(2).build();
        rag.add(new Document("a", "Rivers flow to the sea.", Map.of("source", "rivers.txt")));
        rag.add(new Document("b", "The sea is salty {question} {context}.", Map.of("source", "sea.txt")));

        rag.ask("Why is the sea salty?");

        String prompt = ScriptedLLM.prompt(llm.requests.peek());
        assertThat(prompt).isEqualTo("""
                Context:

                --- [1] source: sea.txt ---
                The sea is salty {question} {context}.
                --- end of [1] ---

                --- [2] source: rivers.txt ---
                Rivers flow to the sea.
                --- end of [2] ---

                Question: Why is the sea salty?""");
        assertThat(llm.requests.peek().get(0)).isEqualTo(ChatMessage.system(
                "Answer the question using only the numbered context blocks in the user's message, and cite the"
                        + " blocks you use like [1]. If they do not contain the answer, say so."));
    }

    @Test
    void customTemplateAndSystemPromptAreUsedAndValidated() {
        ScriptedLLM llm = echo();
        RAG rag = RAG.builder(llm).promptTemplate("Q: {question}\nDocs:\n{context}").system("").build();
        rag.add("Tea comes from Camellia sinensis.");

        rag.ask("Where does tea come from?");

        List<ChatMessage> request = llm.requests.peek();
        assertThat(request).hasSize(1);
        assertThat(request.get(0).content()).startsWith("Q: Where does tea come from?\nDocs:\n--- [1] source: text-1 ---");
        assertThatThrownBy(() -> RAG.builder(llm).promptTemplate("no placeholders").build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("{context} and {question}");
        assertThatThrownBy(() -> RAG.builder(llm).topK(0).build()).hasMessageContaining("topK must be at least 1: 0");
        assertThatThrownBy(() -> RAG.builder(llm).chunkSize(10).chunkOverlap(10).build())
                .as("the message names the setting the builder calls it by")
                .hasMessage("chunkOverlap must be at least 0 and less than chunkSize (10): 10");
        assertThatThrownBy(() -> RAG.builder(llm).retriever(new Bm25Retriever()).embeddings(new ConceptEmbeddings()).build())
                .hasMessageContaining("not both");
        assertThatThrownBy(() -> RAG.builder(llm).vectorStore(new InMemoryVectorStore()).build())
                .hasMessageContaining("needs embeddings");
    }

    @Test
    void aCallsOptionsWinValueByValueOverTheBuildersAndListsReplace() {
        ScriptedLLM llm = ScriptedLLM.answering("ok");
        RAG rag = RAG.builder(llm).options(GenerateOptions.builder().model("base").topP(0.5).maxTokens(50)
                .stop("X").extraBody("seed", 1).build()).build();
        rag.add("Mars is red.");

        rag.ask("Why is Mars red?", GenerateOptions.builder().model("call").stop("Y", "Z").extraBody("user", "u1")
                .tools(List.of(new ToolSpec("lookup", "Looks up", "{\"type\":\"object\"}"))).build());
        GenerateOptions sent = llm.options.poll();
        assertThat(sent.model()).contains("call");
        assertThat(sent.topP()).contains(0.5);
        assertThat(sent.maxTokens()).contains(50);
        assertThat(sent.stop()).containsExactly("Y", "Z");
        assertThat(sent.extraBody()).containsExactly(Map.entry("seed", 1), Map.entry("user", "u1"));
        assertThat(sent.tools()).extracting(ToolSpec::name).containsExactly("lookup");
        assertThat(sent.system()).as("the system prompt goes as the first message, once").isEmpty();

        rag.ask("Why is Mars red?");
        assertThat(llm.options.poll()).isEqualTo(GenerateOptions.builder().model("base").topP(0.5).maxTokens(50)
                .stop("X").extraBody("seed", 1).build());
        assertThatThrownBy(() -> rag.ask("Why?", null)).isInstanceOf(NullPointerException.class)
                .hasMessage("options");
    }

    @Test
    void theSystemPromptIsSentOnceWhereverItWasSet() {
        ScriptedLLM llm = ScriptedLLM.answering("ok");
        RAG fromOptions = RAG.builder(llm).options(GenerateOptions.system("From options.")).build();
        fromOptions.add("Mars is red.");
        fromOptions.ask("Why is Mars red?");
        assertThat(llm.requests.poll()).filteredOn(m -> m.role() == ChatMessage.Role.SYSTEM)
                .extracting(ChatMessage::content).containsExactly("From options.");

        RAG both = RAG.builder(llm).options(GenerateOptions.system("From options.")).system("Set itself.")
                .build();
        both.add("Mars is red.");
        both.ask("Why is Mars red?");
        assertThat(llm.requests.poll()).filteredOn(m -> m.role() == ChatMessage.Role.SYSTEM)
                .extracting(ChatMessage::content).containsExactly("Set itself.");
        assertThat(llm.options).allMatch(o -> o.system().isEmpty());
    }

    @Test
    void badInputIsRefusedWithAClearError() {
        RAG rag = new RAG(ScriptedLLM.answering("x"));
        rag.add(Document.of("dup", "first"));

        assertThatThrownBy(() -> rag.add(Document.of("dup", "second")))
                .hasMessageContaining("a document with id dup was already added");
        assertThatThrownBy(() -> rag.add("ok", "  ")).hasMessageContaining("text 1 is blank");
        assertThatThrownBy(() -> rag.add(Document.of("empty", ""))).hasMessageContaining("document empty is blank");
        assertThatThrownBy(() -> rag.stream(" ")).hasMessageContaining("question is blank");
        assertThat(rag.size()).isEqualTo(1);
        rag.add(Document.of("empty", "now with text")); // a refused id was not kept
        assertThat(rag.size()).isEqualTo(2);
    }

    @Test
    void addsTextAndMarkdownFilesAndWholeDirectories() throws Exception {
        Path docs = Files.createDirectories(dir.resolve("docs/sub"));
        Files.writeString(dir.resolve("docs/a.txt"), "Alpha particles are helium nuclei.", StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("docs/sub/b.MD"), "# Beta\n\nBeta decay emits an electron.", StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("docs/c.pdf"), "not read", StandardCharsets.UTF_8);
        Files.write(dir.resolve("bad.txt"), new byte[] {(byte) 0xC3, (byte) 0x28});
        RAG rag = new RAG(ScriptedLLM.answering("x"));

        assertThat(rag.addDirectory(dir.resolve("docs"))).isEqualTo(2);
        assertThat(rag.retrieve("electron").get(0).source()).isEqualTo(docs.resolve("b.MD").toString());
        assertThat(rag.retrieve("pdf")).isEmpty();

        Path single = Files.writeString(dir.resolve("g.md"), "Gamma rays are photons.", StandardCharsets.UTF_8);
        assertThat(rag.addFile(single)).isEqualTo(1);
        assertThat(rag.retrieve("photons").get(0).chunk().documentId()).isEqualTo(single.toString());
        assertThatThrownBy(() -> rag.addFile(single)).hasMessageContaining("already added");
        assertThatThrownBy(() -> rag.addFile(dir.resolve("docs/c.pdf"))).hasMessageContaining("only .txt and .md");
        assertThatThrownBy(() -> rag.addFile(docs)).hasMessageContaining("use addDirectory");
        assertThatThrownBy(() -> rag.addFile(dir.resolve("bad.txt"))).isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining("not UTF-8");
        assertThatThrownBy(() -> rag.addFile(dir.resolve("missing.txt"))).isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining("missing.txt");
        assertThatThrownBy(() -> rag.addDirectory(single)).hasMessageContaining("not a directory");
    }

    @Test
    void longDocumentsAreSplitWithTheConfiguredSizes() {
        RAG rag = RAG.builder(ScriptedLLM.answering("x")).chunkSize(100).chunkOverlap(20).topK(50).build();
        String text = Stream.generate(() -> "Lorem ipsum dolor sit amet.").limit(40).collect(Collectors.joining(" "));

        int chunks = rag.add(text);

        assertThat(chunks).isGreaterThan(10);
        assertThat(rag.retrieve("lorem")).hasSize(chunks).allSatisfy(c -> assertThat(c.text().length()).isLessThanOrEqualTo(100));
    }

    @Test
    void closingEarlyClosesTheLlmStreamAndStillRecordsThePartialAnswer() {
        ScriptedLLM llm = ScriptedLLM.answering("one ", "two ", "three ", "four");
        RAG rag = new RAG(llm);
        rag.add("Counting numbers.");

        try (Stream<String> tokens = rag.session("s1").stream("Count, please")) {
            assertThat(tokens.limit(2).toList()).containsExactly("one ", "two ");
        }

        assertThat(llm.closed.get()).isEqualTo(1);
        assertThat(rag.session("s1").history()).containsExactly(ChatMessage.user("Count, please"), ChatMessage.assistant("one two "));
        assertThat(rag.session("other").history()).isEmpty();
    }

    @Test
    void aStreamReadToItsEndRecordsTheTurnWithoutBeingClosed() {
        RAG rag = new RAG(ScriptedLLM.answering("all ", "done"));
        rag.add("Something.");

        rag.session("s").stream("Go").forEach(t -> { }); // forEach does not close a stream

        assertThat(rag.session("s").history()).containsExactly(ChatMessage.user("Go"), ChatMessage.assistant("all done"));
    }

    @Test
    void memoryKeepsTheLastTurnsPerSessionAndCanForget() {
        ScriptedLLM llm = ScriptedLLM.answering("ok");
        RAG rag = RAG.builder(llm).memoryTurns(2).build();
        rag.add("Something to find.");

        for (int i = 1; i <= 4; i++) {
            rag.session("s").ask("question " + i);
        }
        rag.session("t").ask("elsewhere");

        assertThat(rag.session("s").history()).extracting(ChatMessage::content)
                .containsExactly("question 3", "ok", "question 4", "ok");
        List<ChatMessage> last = new ArrayList<>(llm.requests).get(3);
        assertThat(last).extracting(ChatMessage::role).containsExactly(ChatMessage.Role.SYSTEM, ChatMessage.Role.USER,
                ChatMessage.Role.ASSISTANT, ChatMessage.Role.USER, ChatMessage.Role.ASSISTANT, ChatMessage.Role.USER);
        assertThat(rag.session("t").history()).hasSize(2);
        rag.session("s").forget();
        assertThat(rag.session("s").history()).isEmpty();
        assertThat(rag.ask("question without session")).isEqualTo("ok");
        assertThat(rag.session("t").history()).hasSize(2);
    }

    @Test
    void aFollowUpThatMatchesNothingIsSearchedWithThePreviousQuestion() {
        ScriptedLLM llm = echo();
        RAG rag = new RAG(llm);
        rag.add("Penguins breed in the Antarctic winter.", "Bread rises because of yeast.");

        rag.session("s").ask("When do penguins breed?");
        String followUp = rag.session("s").ask("And why then?");
        String alone = rag.ask("Why then?");

        assertThat(followUp).contains("Penguins breed in the Antarctic winter.").doesNotContain("yeast");
        assertThat(alone).as("without a session there is nothing to add").doesNotContain("Penguins")
                .contains("No relevant context");
    }

    @Test
    void theLeastRecentlyUsedSessionIsForgottenBeyondMaxSessions() {
        RAG rag = RAG.builder(ScriptedLLM.answering("ok")).maxSessions(2).build();
        rag.add("Something.");

        rag.session("a").ask("1");
        rag.session("b").ask("2");
        rag.session("a").ask("3");
        rag.session("c").ask("4");

        assertThat(rag.session("b").history()).isEmpty();
        assertThat(rag.session("a").history()).hasSize(4);
        assertThat(rag.session("c").history()).hasSize(2);
        assertThatThrownBy(() -> RAG.builder(ScriptedLLM.answering("ok")).maxSessions(0).build())
                .hasMessageContaining("maxSessions must be at least 1: 0");
    }

    @Test
    void savedIndexLoadsBackWithTheSameRetrieval() {
        RAG original = new RAG(ScriptedLLM.answering("x"));
        original.add(new Document("doc", "Photosynthesis happens in chloroplasts.\n\nMitochondria make ATP.",
                Map.of("source", "bio.md", "topic", "cells")));
        original.add("Volcanoes erupt magma.");
        Path file = dir.resolve("index.json");

        original.save(file);
        RAG loaded = new RAG(ScriptedLLM.answering("x"));
        int count = loaded.load(file);

        assertThat(count).isEqualTo(original.size());
        for (String q : List.of("chloroplasts", "magma", "ATP")) {
            assertThat(loaded.retrieve(q)).isEqualTo(original.retrieve(q));
        }
        assertThat(loaded.retrieve("chloroplasts").get(0).chunk().metadata())
                .containsEntry("topic", "cells").containsEntry("source", "bio.md");
        assertThatThrownBy(() -> loaded.load(file)).hasMessageContaining("already added");
        assertThatThrownBy(() -> loaded.add(Document.of("doc", "again"))).hasMessageContaining("already added");
    }

    @Test
    void savedEmbeddingsAreLoadedWithoutEmbeddingAgain() throws Exception {
        ConceptEmbeddings first = new ConceptEmbeddings();
        RAG original = RAG.builder(ScriptedLLM.answering("x")).embeddings(first).build();
        original.add("The automobile is parked.", "A kitten plays.", "Waves of the ocean.");
        assertThat(first.texts.get()).isEqualTo(3);
        Path file = dir.resolve("hybrid.json");
        original.save(file);
        assertThat(Files.readString(file)).contains("\"vector\"");

        ConceptEmbeddings second = new ConceptEmbeddings();
        RAG loaded = RAG.builder(ScriptedLLM.answering("x")).embeddings(second).build();
        loaded.load(file);

        assertThat(second.calls.get()).as("no chunk embedded again").isZero();
        assertThat(loaded.retrieve("car")).extracting(RetrievedChunk::text).first().isEqualTo("The automobile is parked.");
        assertThat(second.calls.get()).as("only the query").isEqualTo(1);
        assertThat(loaded.retrieve("sea")).isEqualTo(original.retrieve("sea"));
    }

    @Test
    void loadingSomethingElseFailsNamingTheFile() throws Exception {
        Path notIndex = Files.writeString(dir.resolve("x.json"), "{\"hello\":1}");
        Path broken = Files.writeString(dir.resolve("y.json"), "{\"format\":\"synapsekit-rag-index\",\"version\":1,"
                + "\"chunks\":[{\"id\":\"a\"}]}");
        RAG rag = new RAG(ScriptedLLM.answering("x"));

        assertThatThrownBy(() -> rag.load(notIndex)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("x.json is not a saved index");
        assertThatThrownBy(() -> rag.load(broken)).hasMessageContaining("chunk 0 lacks id, documentId or text");
        assertThatThrownBy(() -> rag.load(dir.resolve("none.json"))).isInstanceOf(UncheckedIOException.class);
        assertThat(rag.size()).isZero();
    }

    @Test
    void manyVirtualThreadsAddAndStreamAtOnceAndEachSeesWhatItAdded() throws Exception {
        ScriptedLLM llm = echo();
        RAG rag = RAG.builder(llm).topK(1).build();
        rag.add("Background text shared by everyone.");
        int threads = 200;
        CountDownLatch go = new CountDownLatch(1);
        ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
        List<Thread> started = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            String marker = "zq" + Integer.toString(i, 26).replaceAll("[0-9]", "x") + "marker";
            started.add(Thread.ofVirtual().name("client-" + i).start(() -> {
                try {
                    go.await();
                    rag.add("The secret word " + marker + " belongs here.");
                    String answer;
                    try (Stream<String> tokens = rag.session(marker).stream("Which word is " + marker + "?")) {
                        answer = tokens.collect(Collectors.joining());
                    }
                    if (!answer.contains("The secret word " + marker + " belongs here.")) {
                        throw new AssertionError("answer lacks its own chunk: " + answer);
                    }
                } catch (Throwable t) {
                    failures.add(t);
                }
            }));
        }
        go.countDown();
        for (Thread t : started) {
            assertThat(t.join(Duration.ofSeconds(30))).as(t.getName() + " finished").isTrue();
        }
        assertThat(failures).isEmpty();
        assertThat(rag.size()).isEqualTo(threads + 1);
        assertThat(llm.opened.get()).isEqualTo(threads);
        assertThat(llm.closed.get()).as("every LLM stream released").isEqualTo(threads);
    }
}
