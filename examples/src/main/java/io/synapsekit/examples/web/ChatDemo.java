package io.synapsekit.examples.web;

import io.synapsekit.graph.CompiledGraph;
import io.synapsekit.graph.GraphStreams;
import io.synapsekit.graph.StateGraph;
import io.synapsekit.llm.ChatMessage;
import io.synapsekit.llm.GenerateOptions;
import io.synapsekit.llm.LLM;
import io.synapsekit.rag.RAG;
import io.synapsekit.rag.RetrievedChunk;
import io.synapsekit.server.SseResponse;
import io.synapsekit.servlet.UiMessageServlet;
import java.time.Duration;
import jakarta.servlet.http.HttpServlet;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The web demo's chat: a RAG-backed graph served to the {@code /chat/} page, built with the real {@code useChat}
 * from {@code @ai-sdk/react}, as the Vercel AI SDK's UI message stream at {@code /api/chat} (resume at
 * {@code GET /api/chat/{id}/stream}, stop at {@code POST /api/chat/{id}/stop}).
 *
 * <p>The graph has two nodes: {@code retrieve} puts the chunks it found under {@code "sources"} (which the page
 * shows as sources before the answer) and {@code answer} sends the model the whole conversation, its last question
 * wrapped with that context, streaming its tokens.
 */
public final class ChatDemo {

    /** How long an answer keeps generating after its page went away: long enough for a reload. */
    public static final Duration RESUME_GRACE = Duration.ofSeconds(30);

    private static final Logger log = LoggerFactory.getLogger(ChatDemo.class);
    private static final String TEMPLATE = "Context:\n\n%s\n\nQuestion: %s";

    private ChatDemo() {
    }

    // tag::chat-demo[]
    /** Returns the chat servlet: the RAG-backed graph over {@code llm}, resumable, stoppable. */
    public static UiMessageServlet servlet(LLM llm) {
        return UiMessageServlet.of(graph(llm, knowledge(llm))).resumable(RESUME_GRACE);
    }
    // end::chat-demo[]

    /** Returns the chat servlet streaming with {@code response}: resumable and stoppable wherever its buffer is. */
    public static UiMessageServlet servlet(LLM llm, SseResponse response) {
        return UiMessageServlet.of(graph(llm, knowledge(llm))).withResponse(response);
    }

    /** Mounts a chat endpoint for {@code llm} on a plain embedded Jetty context, as the README shows. */
    public static void mount(ServletContextHandler context, LLM llm) {
        // tag::chat-jetty[]
        ServletHolder chat = new ServletHolder(UiMessageServlet.of(llm).resumable());
        chat.setAsyncSupported(true);                  // it streams asynchronously
        context.addServlet(chat, "/api/chat/*");       // POST /api/chat, GET …/{id}/stream, POST …/{id}/stop
        // end::chat-jetty[]
    }

    /** Returns the chat's routes: the page at {@code /chat/}, its script, and {@code chat} at {@code /api/chat}. */
    public static Map<String, HttpServlet> routes(HttpServlet chat) {
        Map<String, HttpServlet> routes = new LinkedHashMap<>();
        if (ChatDemo.class.getResource("/web/chat/app.js") != null) {
            routes.put("/chat/", new PageServlet("/web/chat/index.html"));
            routes.put("/chat/app.js", new PageServlet("/web/chat/app.js", "text/javascript; charset=utf-8"));
        } else {
            log.warn("the /chat/ page was not built (npm was missing when the examples were built)");
        }
        routes.put("/api/chat/*", chat); // matches /api/chat itself too
        return routes;
    }

    /** Returns the demo's knowledge: a few passages about streaming and RAG, indexed with BM25. */
    public static RAG knowledge(LLM llm) {
        RAG rag = new RAG(llm);
        rag.add("Retrieval-Augmented Generation (RAG) retrieves passages relevant to a question and gives them to "
                        + "the model as context, so answers are grounded in your documents.",
                "SynapseKit supports streaming by default across all LLM providers: tokens, RAG answers and graph "
                        + "updates arrive as they are produced.",
                "Server-Sent Events keep one HTTP response open and push each piece of text as it is generated.",
                "The Vercel AI SDK's useChat hook renders a UI message stream: text, reasoning, sources and steps.",
                "Streaming works in every language: é, ✓, 日本語 and 🚀 arrive intact, byte for byte.");
        return rag;
    }

    /** Returns the graph: {@code retrieve} then {@code answer}, with input {@code input} and {@code messages}. */
    public static CompiledGraph graph(LLM llm, RAG rag) {
        return new StateGraph()
                .addNode("retrieve", state -> Map.of("sources", rag.retrieve((String) state.get("input"))))
                .addNode("answer", state -> {
                    @SuppressWarnings("unchecked")
                    List<ChatMessage> history = (List<ChatMessage>) state.get("messages");
                    @SuppressWarnings("unchecked")
                    List<RetrievedChunk> sources = (List<RetrievedChunk>) state.get("sources");
                    StringBuilder answer = new StringBuilder();
                    try (Stream<String> tokens = llm.stream(prompt(history, sources), GenerateOptions.defaults())) {
                        for (String token : (Iterable<String>) tokens::iterator) {
                            answer.append(token);
                            GraphStreams.emitToken(token);
                        }
                    }
                    return Map.of("answer", answer.toString());
                })
                .addEdge("retrieve", "answer")
                .setEntryPoint("retrieve")
                .compile();
    }

    /** Returns what the model is sent: the conversation, its last question wrapped with the retrieved context. */
    public static List<ChatMessage> prompt(List<ChatMessage> history, List<RetrievedChunk> sources) {
        List<ChatMessage> messages = new ArrayList<>(history.subList(0, history.size() - 1));
        String context = sources.stream().map(RetrievedChunk::text).collect(Collectors.joining("\n\n"));
        messages.add(ChatMessage.user(String.format(TEMPLATE, context, history.get(history.size() - 1).content())));
        return messages;
    }
}
