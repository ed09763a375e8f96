package io.synapsekit.rag;

import io.synapsekit.internal.Json;
import io.synapsekit.internal.Observers;
import io.synapsekit.llm.ChatMessage;
import io.synapsekit.llm.GenerateOptions;
import io.synapsekit.llm.LLM;
import io.synapsekit.llm.LLMStream;
import io.synapsekit.rag.embeddings.Embeddings;
import io.synapsekit.rag.embeddings.InMemoryVectorStore;
import io.synapsekit.observe.LLMListener;
import io.synapsekit.observe.Scope;
import io.synapsekit.observe.Work;
import io.synapsekit.observe.WorkListener;
import io.synapsekit.rag.retrieval.Bm25Retriever;
import io.synapsekit.rag.retrieval.HybridRetriever;
import io.synapsekit.rag.retrieval.Retriever;
import io.synapsekit.rag.retrieval.VectorRetriever;
import io.synapsekit.rag.split.RecursiveSplitter;
import io.synapsekit.sse.SseEvent;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Retrieval-augmented generation that streams: index documents, then stream answers grounded in them.
 *
 * <pre>{@code
 * RAG rag = new RAG(llm);                       // BM25 in memory: no embedding model, no extra key
 * rag.add("SynapseKit supports streaming by default across all LLM providers.",
 *         "The RAG pipeline retrieves context before generating an answer.");
 * try (Stream<String> tokens = rag.stream("What does SynapseKit support?")) {
 *     tokens.forEach(System.out::print);
 * }
 * }</pre>
 *
 * <p>Each question is answered in two steps on the calling thread: retrieval runs first, synchronously, and only
 * then is the LLM stream opened, so retrieval has finished before the first token. The returned stream reads the
 * LLM's tokens on the thread that consumes it; no thread is started. It holds the LLM's connection until it is
 * read to the end, fails or is closed; each of these releases it. Use it in try-with-resources.
 *
 * <p>Documents are cut by a {@link RecursiveSplitter} (512 characters, 50 overlap by default) into
 * {@link Chunk}s. The prompt holds the top {@code k} chunks (4 by default) in numbered blocks with their
 * sources, then the question; when no chunk matches, the model is told so instead.
 *
 * <p>Answers asked of the RAG itself have no memory. For a conversation, ask a {@link Session}
 * ({@code rag.session("user-42").stream(question)}): the last turns of that conversation (10 by default) are sent
 * before the question, and each answer is recorded, whole or as far as it streamed.
 *
 * <p>To serve answers to browsers over Server-Sent Events, send {@link #sseStream(Stream) RAG.sseStream(rag.events(q))}:
 * tokens as messages and a refusal as its own event, as a graph's SSE stream does.
 *
 * <p>Thread-safe: share one instance. Documents may be added while other threads ask questions; a question sees
 * each added document wholly or not at all.
 */
public final class RAG {

    private static final Logger log = LoggerFactory.getLogger(RAG.class);
    private static final Set<String> FILE_TYPES = Set.of("txt", "md");

    private final LLM llm;
    private final Retriever retriever;
    private final RecursiveSplitter splitter;
    private final int topK;
    private final PromptTemplate prompt;
    private final String system;
    private final GenerateOptions options;
    private final ConversationMemory memory;
    private final List<LLMListener> listeners;

    private final ReentrantLock documentsLock = new ReentrantLock();
    private final Set<String> documentIds = new HashSet<>();
    private final List<Chunk> chunks = new ArrayList<>();
    private long nextTextId = 1;

    /** Creates a RAG over {@code llm} with every default: in-memory BM25, 512/50 splitting, top 4, 10 turns. */
    public RAG(LLM llm) {
        this(builder(llm).validated());
    }

    private RAG(Builder b) {
        this.llm = b.llm;
        this.retriever = b.retriever;
        this.splitter = b.splitter;
        this.topK = b.topK;
        this.prompt = new PromptTemplate(b.template, b.noContext);
        // One system prompt, sent as the first message: the one set with system(…), else the options', else the
        // default; a call's own options may replace it.
        this.system = b.system != null ? b.system : b.options.system().orElse(PromptTemplate.DEFAULT_SYSTEM);
        this.options = b.options.toBuilder().system(null).build();
        this.memory = new ConversationMemory(b.memoryTurns, b.maxSessions);
        this.listeners = Observers.with(b.listeners);
    }

    /** Returns a builder for a RAG over {@code llm}. */
    public static Builder builder(LLM llm) {
        return new Builder(llm);
    }

    // ---- adding --------------------------------------------------------------------------------------------

    /**
     * Adds texts, each as a document with a generated id ({@code text-1}, {@code text-2}, ...).
     *
     * @return the number of chunks indexed
     * @throws IllegalArgumentException when a text is blank
     */
    public int add(String... texts) {
        return add(Arrays.asList(texts));
    }

    /**
     * Adds texts, each as a document with a generated id ({@code text-1}, {@code text-2}, ...).
     *
     * @return the number of chunks indexed
     * @throws IllegalArgumentException when a text is blank
     */
    public int add(List<String> texts) {
        for (int i = 0; i < texts.size(); i++) {
            if (texts.get(i) == null || texts.get(i).isBlank()) {
                throw new IllegalArgumentException("text " + i + " is blank: nothing to index");
            }
        }
        List<Document> documents = new ArrayList<>(texts.size());
        documentsLock.lock();
        try {
            for (String text : texts) {
                String id;
                do {
                    id = "text-" + nextTextId++;
                } while (documentIds.contains(id));
                documentIds.add(id); // reserved now, so a concurrent add cannot take it
                documents.add(Document.of(id, text));
            }
        } finally {
            documentsLock.unlock();
        }
        return index(documents, true);
    }

    /**
     * Adds a document. Its chunks carry its metadata.
     *
     * @return the number of chunks indexed
     * @throws IllegalArgumentException when the text is blank or a document with the same id was added
     */
    public int add(Document document) {
        Objects.requireNonNull(document, "document");
        return index(List.of(document), false);
    }

    /**
     * Adds a {@code .txt} or {@code .md} file, read as UTF-8, as a document whose id and
     * {@value Document#SOURCE} are the path as given.
     *
     * @return the number of chunks indexed
     * @throws IllegalArgumentException when the path is a directory (use {@link #addDirectory(Path)}), not a
     *     {@code .txt} or {@code .md} file, empty, or already added
     * @throws UncheckedIOException when the file cannot be read or is not UTF-8
     */
    public int addFile(Path file) {
        if (Files.isDirectory(file)) {
            throw new IllegalArgumentException(file + " is a directory; use addDirectory(Path)");
        }
        if (!isTextFile(file)) {
            throw new IllegalArgumentException("only .txt and .md files can be added: " + file);
        }
        return add(readDocument(file));
    }

    /**
     * Adds every {@code .txt} and {@code .md} file under {@code directory}, its subdirectories included, in path
     * order; other files are not read.
     *
     * @return the number of chunks indexed
     * @throws IllegalArgumentException when {@code directory} is not a directory, or a file is empty or was
     *     already added (the files before it stay added)
     * @throws UncheckedIOException when a file cannot be read
     */
    public int addDirectory(Path directory) {
        if (!Files.isDirectory(directory)) {
            throw new IllegalArgumentException("not a directory: " + directory);
        }
        List<Path> files;
        try (Stream<Path> walk = Files.walk(directory)) {
            files = walk.filter(Files::isRegularFile).filter(RAG::isTextFile).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + directory + ": " + e.getMessage(), e);
        }
        int added = 0;
        for (Path f : files) {
            added += add(readDocument(f));
        }
        log.debug("added {} files ({} chunks) from {}", files.size(), added, directory);
        return added;
    }

    private static boolean isTextFile(Path file) {
        String name = file.getFileName() == null ? "" : file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot > 0 && FILE_TYPES.contains(name.substring(dot + 1).toLowerCase(Locale.ROOT));
    }

    private static Document readDocument(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (CharacterCodingException e) {
            throw new UncheckedIOException(file + " is not UTF-8 text", e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put(Document.SOURCE, file.toString());
        return new Document(file.toString(), text, metadata);
    }

    /** Splits and indexes documents; with {@code reserved}, their ids were already taken for them. */
    private int index(List<Document> documents, boolean reserved) {
        List<Chunk> batch = new ArrayList<>();
        for (Document d : documents) {
            if (d.text().isBlank()) {
                throw new IllegalArgumentException("document " + d.id() + " is blank: nothing to index");
            }
            List<String> pieces = splitter.split(d.text());
            for (int i = 0; i < pieces.size(); i++) {
                batch.add(new Chunk(d.id() + "#" + i, d.id(), pieces.get(i), withSource(d)));
            }
        }
        if (!reserved) {
            documentsLock.lock();
            try {
                for (Document d : documents) {
                    if (!documentIds.add(d.id())) {
                        throw new IllegalArgumentException("a document with id " + d.id() + " was already added");
                    }
                }
            } finally {
                documentsLock.unlock();
            }
        }
        try {
            retriever.add(batch); // may block on an embedding model: outside every lock of ours
        } catch (RuntimeException | Error e) {
            release(documents.stream().map(Document::id).toList());
            throw e;
        }
        documentsLock.lock();
        try {
            chunks.addAll(batch);
        } finally {
            documentsLock.unlock();
        }
        return batch.size();
    }

    private void release(java.util.Collection<String> ids) {
        documentsLock.lock();
        try {
            documentIds.removeAll(ids);
        } finally {
            documentsLock.unlock();
        }
    }

    private static Map<String, String> withSource(Document d) {
        if (d.metadata().containsKey(Document.SOURCE)) {
            return d.metadata();
        }
        Map<String, String> m = new LinkedHashMap<>(d.metadata());
        m.put(Document.SOURCE, d.id());
        return m;
    }

    /** Returns the number of chunks indexed. */
    public int size() {
        documentsLock.lock();
        try {
            return chunks.size();
        } finally {
            documentsLock.unlock();
        }
    }

    // ---- asking ----------------------------------------------------------------------------------------------

    /** Returns the top {@code k} chunks (the configured {@code topK}) for {@code question}, best first. */
    public List<RetrievedChunk> retrieve(String question) {
        return retrieve(question, topK);
    }

    /**
     * Returns the {@code k} chunks most relevant to {@code question}, best first, with their scores; fewer, or
     * none, when fewer match.
     */
    public List<RetrievedChunk> retrieve(String question, int k) {
        Objects.requireNonNull(question, "question");
        return retrieved(question, k);
    }

    /** Retrieves through the retriever, observed by the listeners as a {@link Work#RETRIEVAL}. */
    private List<RetrievedChunk> retrieved(String question, int k) {
        WorkListener work = Observers.work(listeners, new Work(Work.RETRIEVAL, retriever.getClass().getSimpleName()));
        RuntimeException failure = null;
        try (Scope scope = work.enter()) {
            return retriever.retrieve(question, k);
        } catch (RuntimeException e) {
            failure = e;
            throw e;
        } finally {
            work.finished(failure);
        }
    }

    /**
     * Streams the events of the answer to {@code question}: sources, tokens, a refusal if the model refused,
     * usage, done.
     *
     * <p>Retrieves, then opens the LLM stream, both before returning. The events are read on the consuming
     * thread. Close the stream, or read it to its end.
     *
     * @throws io.synapsekit.llm.LLMException when the LLM request fails before streaming
     */
    public Stream<RAGEvent> events(String question) {
        return events(question, GenerateOptions.defaults());
    }

    /**
     * Streams the events of the answer to {@code question}, asked with {@code options} merged over the builder's:
     * each value the call sets wins (its system prompt replaces the RAG's; {@code ""} sends none), the rest are
     * the builder's. A call cannot unset a builder value.
     */
    public Stream<RAGEvent> events(String question, GenerateOptions options) {
        return open(null, question, options).stream();
    }

    /**
     * Streams the tokens of the answer to {@code question}, read from the LLM on the consuming thread. Close the
     * stream (closing it closes the LLM's connection), or read it to its end. The tokens are answer text only: a
     * refusal is not among them (see {@link #events(String)} and {@link #sseStream(Stream)}).
     */
    public Stream<String> stream(String question) {
        return stream(question, GenerateOptions.defaults());
    }

    /**
     * Streams the tokens of the answer to {@code question}, asked with {@code options} merged over the builder's
     * as {@link #events(String, GenerateOptions)} says.
     */
    public Stream<String> stream(String question, GenerateOptions options) {
        return tokens(events(question, options));
    }

    /**
     * Returns the whole answer to {@code question}, waiting for the LLM to finish.
     *
     * @throws io.synapsekit.llm.LLMException when the LLM fails; its partial text holds what arrived
     */
    public String ask(String question) {
        return ask(question, GenerateOptions.defaults());
    }

    /**
     * Returns the whole answer to {@code question}, asked with {@code options} merged over the builder's as
     * {@link #events(String, GenerateOptions)} says.
     */
    public String ask(String question, GenerateOptions options) {
        return answer(open(null, question, options));
    }

    /**
     * Returns the conversation with id {@code id}: its answers see the session's last turns, and record theirs.
     * A cheap handle, made per request or kept; every handle with the same id on this RAG is the same
     * conversation.
     *
     * <p>The id comes from the caller (a user or a chat id, say) and proves nothing: scope it by user before
     * keying anything private on it.
     *
     * @throws IllegalArgumentException when {@code id} is blank
     */
    public Session session(String id) {
        Objects.requireNonNull(id, "id");
        if (id.isBlank()) {
            throw new IllegalArgumentException("session id is blank");
        }
        return new Session(this, id);
    }

    /**
     * Returns {@code base} with every value {@code call} sets put over it ({@link GenerateOptions#with}), less the
     * system prompt, which goes as a message of its own.
     */
    private static GenerateOptions merged(GenerateOptions base, GenerateOptions call) {
        return base.with(call).toBuilder().system(null).build();
    }

    private static Stream<String> tokens(Stream<RAGEvent> events) {
        return events.<String>mapMulti((e, out) -> {
            if (e instanceof RAGEvent.Token t) {
                out.accept(t.text());
            }
        });
    }

    /**
     * Returns the events of a RAG answer as plain Server-Sent Events, for the server's SSE response helper
     * ({@code SseResponse}, {@code SseServlet.events}) to send: each token as a {@code message} event, so that a
     * browser's {@code EventSource.onmessage} fires, and, when the model refused to answer, an
     * {@code event: refusal} with {@code {"text":…}}, so that the client sees why no answer came. These are the
     * event names and fields of a graph's {@code GraphStreams.sseStream}, less the node: one SSE dialect. Sources,
     * usage and done are not sent; ids, keep-alives and the final {@code [DONE]} are the server's to add. A
     * failure is thrown after the events before it, for the server to send as its {@code event: error}.
     *
     * <pre>{@code
     * SseServlet servlet = SseServlet.events(question -> RAG.sseStream(rag.events(question)));
     * }</pre>
     *
     * <p>{@link #stream(String)} yields answer tokens only, so an answer served as tokens
     * ({@code SseServlet.tokens(rag::stream)}) reaches the client empty when the model refuses; serve this instead.
     * Reads {@code events} lazily on the consuming thread; closing the returned stream closes {@code events}, which
     * closes the LLM's connection.
     */
    public static Stream<SseEvent> sseStream(Stream<RAGEvent> events) {
        Objects.requireNonNull(events, "events");
        return events.mapMulti((RAGEvent e, Consumer<SseEvent> out) -> {
            switch (e) {
                case RAGEvent.Token t -> out.accept(SseEvent.message(t.text()));
                case RAGEvent.Refusal r -> out.accept(
                        SseEvent.of("refusal", Json.object().put("text", r.text()).toString()));
                default -> { }
            }
        });
    }

    private static String answer(AnswerEvents events) {
        try (events) {
            String text = "";
            while (events.hasNext()) {
                if (events.next() instanceof RAGEvent.Done d) {
                    text = d.answer();
                }
            }
            return text;
        }
    }

    private AnswerEvents open(@Nullable String sessionId, String question, GenerateOptions call) {
        Objects.requireNonNull(question, "question");
        Objects.requireNonNull(call, "options");
        if (question.isBlank()) {
            throw new IllegalArgumentException("question is blank");
        }
        long start = System.nanoTime();
        List<ChatMessage> history = sessionId == null ? List.of() : memory.history(sessionId);
        List<RetrievedChunk> sources = retrieved(question, topK);
        if (sources.isEmpty() && !history.isEmpty()) {
            // A follow-up ("and then?") often names nothing itself: search again with the previous question.
            String previous = history.get(history.size() - 2).content();
            sources = retrieved(previous + "\n" + question, topK);
        }
        log.debug("retrieved {} chunks in {} µs", sources.size(), (System.nanoTime() - start) / 1000);
        List<ChatMessage> messages = new ArrayList<>();
        String sent = call.system().orElse(system);
        if (!sent.isEmpty()) {
            messages.add(ChatMessage.system(sent));
        }
        messages.addAll(history);
        messages.add(ChatMessage.user(prompt.render(question, sources)));
        LLMStream answer = llm.open(messages, merged(options, call));
        Consumer<String> onFinish = sessionId == null ? text -> { } : text -> {
            if (!text.isEmpty()) { // an empty assistant turn is refused by some providers; nothing to keep
                memory.record(sessionId, question, text);
            }
        };
        return new AnswerEvents(sources, answer, onFinish);
    }

    // ---- sessions --------------------------------------------------------------------------------------------

    /**
     * One conversation with a {@link RAG}, made by {@link RAG#session(String)}: each answer is asked with the
     * session's last turns (10 by default) before the question, a follow-up that matches no chunk by itself is
     * searched again together with the previous question, and the turn is recorded when the answer's stream
     * ends, fails or is closed, so an answer cut off by the client is kept as far as it streamed.
     *
     * <pre>{@code
     * RAG.Session chat = rag.session("user-42");
     * try (Stream<String> tokens = chat.stream("What does SynapseKit support?")) {
     *     tokens.forEach(System.out::print);
     * }
     * String followUp = chat.ask("And how?");
     * }</pre>
     *
     * <p>A handle, not a store: the turns live in the RAG's memory under the id (the least recently used sessions
     * beyond {@link Builder#maxSessions(int)} are forgotten). Immutable and thread-safe; answers of one session
     * streaming at once each see the turns recorded before they started.
     */
    public static final class Session {

        private final RAG rag;
        private final String id;

        private Session(RAG rag, String id) {
            this.rag = rag;
            this.id = id;
        }

        /** Returns the session's id. */
        public String id() {
            return id;
        }

        /**
         * Streams the events of the answer to {@code question}, as {@link RAG#events(String)} does, with this
         * session's turns; records the turn.
         */
        public Stream<RAGEvent> events(String question) {
            return events(question, GenerateOptions.defaults());
        }

        /**
         * Streams the events of the answer to {@code question}, as {@link RAG#events(String, GenerateOptions)}
         * does, with this session's turns; records the turn.
         */
        public Stream<RAGEvent> events(String question, GenerateOptions options) {
            return rag.open(id, question, options).stream();
        }

        /**
         * Streams the tokens of the answer to {@code question}, as {@link RAG#stream(String)} does, with this
         * session's turns; records the turn.
         */
        public Stream<String> stream(String question) {
            return stream(question, GenerateOptions.defaults());
        }

        /**
         * Streams the tokens of the answer to {@code question}, as {@link RAG#stream(String, GenerateOptions)}
         * does, with this session's turns; records the turn.
         */
        public Stream<String> stream(String question, GenerateOptions options) {
            return tokens(events(question, options));
        }

        /**
         * Returns the whole answer to {@code question}, as {@link RAG#ask(String)} does, with this session's
         * turns; records the turn.
         */
        public String ask(String question) {
            return ask(question, GenerateOptions.defaults());
        }

        /**
         * Returns the whole answer to {@code question}, as {@link RAG#ask(String, GenerateOptions)} does, with this
         * session's turns; records the turn.
         */
        public String ask(String question, GenerateOptions options) {
            return answer(rag.open(id, question, options));
        }

        /** Returns the session's remembered turns as alternating user and assistant messages, oldest first. */
        public List<ChatMessage> history() {
            return rag.memory.history(id);
        }

        /** Forgets the session's turns; the next answer starts a new conversation. */
        public void forget() {
            rag.memory.forget(id);
        }

        @Override
        public String toString() {
            return "RAG.Session[" + id + "]";
        }
    }

    // ---- saving ----------------------------------------------------------------------------------------------

    /**
     * Saves the index (chunks, metadata and, when the retriever uses embeddings, their vectors) to {@code file},
     * replacing it. Written to a temporary file first, then moved into place.
     *
     * @throws UncheckedIOException when the file cannot be written
     */
    public void save(Path file) {
        List<Chunk> snapshot;
        documentsLock.lock();
        try {
            snapshot = List.copyOf(chunks);
        } finally {
            documentsLock.unlock();
        }
        InMemoryVectorStore store = vectorStore(retriever);
        List<IndexFile.Entry> entries = new ArrayList<>(snapshot.size());
        for (Chunk c : snapshot) {
            entries.add(new IndexFile.Entry(c, store == null ? null : store.vector(c.id()).orElse(null)));
        }
        IndexFile.write(file, entries);
        log.debug("saved {} chunks to {}", entries.size(), file);
    }

    /**
     * Adds the chunks saved in {@code file} to this index without splitting them again; saved vectors go
     * straight into the vector store, so nothing is embedded again (chunks saved without a vector are embedded).
     *
     * @return the number of chunks loaded
     * @throws IllegalArgumentException when the file is not a saved index, or holds a document already added
     * @throws UncheckedIOException when it cannot be read
     */
    public int load(Path file) {
        List<IndexFile.Entry> entries = IndexFile.read(file);
        Set<String> owners = new HashSet<>();
        documentsLock.lock();
        try {
            Set<String> ids = new HashSet<>();
            for (IndexFile.Entry e : entries) {
                String doc = e.chunk().documentId();
                if (ids.add(doc) && documentIds.contains(doc)) {
                    throw new IllegalArgumentException(file + ": document " + doc + " was already added");
                }
            }
            documentIds.addAll(ids);
            owners.addAll(ids);
        } finally {
            documentsLock.unlock();
        }
        List<Chunk> loaded = entries.stream().map(IndexFile.Entry::chunk).toList();
        try {
            addLoaded(retriever, entries);
        } catch (RuntimeException | Error e) {
            release(owners);
            throw e;
        }
        documentsLock.lock();
        try {
            chunks.addAll(loaded);
        } finally {
            documentsLock.unlock();
        }
        log.debug("loaded {} chunks from {}", loaded.size(), file);
        return loaded.size();
    }

    private static void addLoaded(Retriever r, List<IndexFile.Entry> entries) {
        switch (r) {
            case HybridRetriever h -> h.retrievers().forEach(each -> addLoaded(each, entries));
            case VectorRetriever v -> {
                int dims = v.store().dimensions();
                List<Chunk> withVector = new ArrayList<>();
                List<float[]> vectors = new ArrayList<>();
                List<Chunk> without = new ArrayList<>();
                for (IndexFile.Entry e : entries) {
                    if (e.vector() != null && (dims == 0 || e.vector().length == dims)) {
                        dims = e.vector().length;
                        withVector.add(e.chunk());
                        vectors.add(e.vector());
                    } else {
                        without.add(e.chunk());
                    }
                }
                v.store().add(withVector, vectors);
                v.add(without);
            }
            default -> r.add(entries.stream().map(IndexFile.Entry::chunk).toList());
        }
    }

    private static @Nullable InMemoryVectorStore vectorStore(Retriever r) {
        return switch (r) {
            case VectorRetriever v -> v.store();
            case HybridRetriever h -> h.retrievers().stream().map(RAG::vectorStore).filter(Objects::nonNull)
                    .findFirst().orElse(null);
            default -> null;
        };
    }

    @Override
    public String toString() {
        return "RAG[" + retriever + ", topK=" + topK + ", chunkSize=" + splitter.chunkSize() + "]";
    }

    // ---- builder ---------------------------------------------------------------------------------------------

    /**
     * Configures a {@link RAG}. Not thread-safe; {@link #build()} validates and names a bad setting.
     *
     * <pre>{@code
     * RAG rag = RAG.builder(llm)
     *         .embeddings(OpenAIEmbeddings.builder().build())   // hybrid: BM25 + vectors, fused by rank
     *         .chunkSize(800).chunkOverlap(80).topK(6)
     *         .system("Answer in French.")
     *         .memoryTurns(5)
     *         .build();
     * }</pre>
     */
    public static final class Builder {
        private final LLM llm;
        private @Nullable Retriever retriever;
        private @Nullable Embeddings embeddings;
        private @Nullable InMemoryVectorStore vectorStore;
        private @Nullable RecursiveSplitter splitter;
        private int chunkSize = RecursiveSplitter.DEFAULT_CHUNK_SIZE;
        private int chunkOverlap = RecursiveSplitter.DEFAULT_CHUNK_OVERLAP;
        private int topK = 4;
        private String template = PromptTemplate.DEFAULT_TEMPLATE;
        private String noContext = PromptTemplate.DEFAULT_NO_CONTEXT;
        private @Nullable String system;
        private GenerateOptions options = GenerateOptions.defaults();
        private int memoryTurns = 10;
        private int maxSessions = 10_000;
        private final List<LLMListener> listeners = new ArrayList<>();

        private Builder(LLM llm) {
            this.llm = Objects.requireNonNull(llm, "llm");
        }

        /**
         * Adds a listener that observes each retrieval as a {@link Work#RETRIEVAL} (its LLM calls are observed by
         * the LLM's own listeners). Listeners found with {@code ServiceLoader} are added without this.
         */
        public Builder listener(LLMListener listener) {
            listeners.add(Objects.requireNonNull(listener, "listener"));
            return this;
        }

        /** Sets the retriever, replacing the default BM25. Not combinable with {@link #embeddings}. */
        public Builder retriever(Retriever retriever) {
            this.retriever = Objects.requireNonNull(retriever, "retriever");
            return this;
        }

        /**
         * Adds embeddings: retrieval becomes a {@link HybridRetriever} of BM25 and a {@link VectorRetriever},
         * fused by reciprocal rank.
         */
        public Builder embeddings(Embeddings embeddings) {
            this.embeddings = Objects.requireNonNull(embeddings, "embeddings");
            return this;
        }

        /** Sets the vector store the embeddings go into (default: a new {@link InMemoryVectorStore}). */
        public Builder vectorStore(InMemoryVectorStore store) {
            this.vectorStore = Objects.requireNonNull(store, "store");
            return this;
        }

        /** Sets the splitter, replacing {@link #chunkSize} and {@link #chunkOverlap}. */
        public Builder splitter(RecursiveSplitter splitter) {
            this.splitter = Objects.requireNonNull(splitter, "splitter");
            return this;
        }

        /** Sets the largest chunk, in characters. Default 512. */
        public Builder chunkSize(int chunkSize) {
            this.chunkSize = chunkSize;
            return this;
        }

        /** Sets the characters consecutive chunks share. Default 50. */
        public Builder chunkOverlap(int chunkOverlap) {
            this.chunkOverlap = chunkOverlap;
            return this;
        }

        /** Sets how many chunks go into the prompt. Default 4. */
        public Builder topK(int topK) {
            this.topK = topK;
            return this;
        }

        /**
         * Sets the user message template, which holds {@code {context}} and {@code {question}} once each.
         * Default: {@code "Context:\n\n{context}\n\nQuestion: {question}"}.
         */
        public Builder promptTemplate(String template) {
            this.template = Objects.requireNonNull(template, "template");
            return this;
        }

        /** Sets the text put in place of the context when no chunk is relevant. */
        public Builder noContextText(String text) {
            this.noContext = Objects.requireNonNull(text, "text");
            return this;
        }

        /**
         * Sets the system prompt, sent as the first message of every request; {@code ""} sends none. It wins over
         * a system prompt in {@link #options}, and a call's own options replace it. Default: answer from the
         * numbered blocks, cite them.
         */
        public Builder system(String system) {
            this.system = Objects.requireNonNull(system, "system");
            return this;
        }

        /**
         * Sets the options of every LLM request (temperature, max tokens, model, ...); a call's own options are
         * merged over them. Their system prompt, if any, is the RAG's unless {@link #system(String)} sets one.
         */
        public Builder options(GenerateOptions options) {
            this.options = Objects.requireNonNull(options, "options");
            return this;
        }

        /** Sets how many turns each session remembers; 0 remembers none. Default 10. */
        public Builder memoryTurns(int turns) {
            this.memoryTurns = turns;
            return this;
        }

        /** Sets how many sessions are remembered; the least recently used is forgotten first. Default 10,000. */
        public Builder maxSessions(int sessions) {
            this.maxSessions = sessions;
            return this;
        }

        /**
         * Returns the RAG.
         *
         * @throws IllegalArgumentException naming the setting that is out of range or conflicts with another
         */
        public RAG build() {
            return new RAG(validated());
        }

        /** Returns a validated copy with every default filled in. */
        private Builder validated() {
            if (topK < 1) {
                throw new IllegalArgumentException("topK must be at least 1: " + topK);
            }
            if (memoryTurns < 0) {
                throw new IllegalArgumentException("memoryTurns must not be negative: " + memoryTurns);
            }
            if (maxSessions < 1) {
                throw new IllegalArgumentException("maxSessions must be at least 1: " + maxSessions);
            }
            if (retriever != null && (embeddings != null || vectorStore != null)) {
                throw new IllegalArgumentException(
                        "set either retriever(…) or embeddings(…)/vectorStore(…), not both");
            }
            if (vectorStore != null && embeddings == null) {
                throw new IllegalArgumentException("vectorStore(…) needs embeddings(…) to fill it");
            }
            Builder b = copy();
            if (b.splitter == null) {
                b.splitter = RecursiveSplitter.of(chunkSize, chunkOverlap);
            }
            if (b.retriever == null) {
                b.retriever = embeddings == null ? new Bm25Retriever() : new HybridRetriever(new Bm25Retriever(),
                        new VectorRetriever(embeddings, vectorStore != null ? vectorStore : new InMemoryVectorStore(),
                                0));
            }
            return b;
        }

        private Builder copy() {
            Builder b = new Builder(llm);
            b.retriever = retriever;
            b.embeddings = embeddings;
            b.vectorStore = vectorStore;
            b.splitter = splitter;
            b.topK = topK;
            b.template = template;
            b.noContext = noContext;
            b.system = system;
            b.options = options;
            b.memoryTurns = memoryTurns;
            b.maxSessions = maxSessions;
            b.listeners.addAll(listeners);
            return b;
        }
    }
}
