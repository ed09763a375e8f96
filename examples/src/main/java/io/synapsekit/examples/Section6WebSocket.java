package io.synapsekit.examples;

import io.synapsekit.examples.web.JettyApp;
import io.synapsekit.graph.CompiledGraph;
import io.synapsekit.graph.GraphStreams;
import io.synapsekit.llm.LLM;
import io.synapsekit.servlet.TokenWebSocket;
import jakarta.websocket.server.ServerEndpointConfig;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Guide section 6: WebSocket streaming from a Jetty 12 server, the plain protocol (a frame per token, then
 * {@code [DONE]}) and the structured one (JSON with {@code session_id}), read by the JDK's WebSocket client.
 */
public final class Section6WebSocket {

    private Section6WebSocket() {
    }

    public static void main(String[] args) throws Exception {
        try {
            run(Demo.llm(args), System.out);
        } finally {
            Demo.shutdown();
        }
    }

    // tag::websocket-endpoints[]
    static List<ServerEndpointConfig> endpoints(CompiledGraph compiledGraph) {
        return List.of(
                // each text message is a question; a frame per token, then "[DONE]"
                TokenWebSocket.plain("/ws", query -> GraphStreams.wsStream(compiledGraph, Map.of("input", query))),
                // {"query": …, "session_id": …} in; {"type":"token",…}, then {"type":"done",…} out
                TokenWebSocket.structured("/ws/structured",
                        (sessionId, query) -> GraphStreams.wsStream(compiledGraph, Map.of("input", query))));
    }
    // end::websocket-endpoints[]

    static void run(LLM llm, PrintStream out) throws Exception {
        try (JettyApp app = JettyApp.startOnLoopback(Map.of(), endpoints(Section5Sse.graph(llm)))) {
            Frames plain = Frames.open(app.ws("/ws"));
            out.println("> What is RAG?   (plain: " + app.ws("/ws") + ")");
            plain.send("What is RAG?");
            for (String frame : plain.until("[DONE]"::equals)) {
                if (frame.equals("[DONE]")) {
                    out.println();
                    out.println("[DONE]");
                } else {
                    out.print(frame);
                }
                out.flush();
            }
            plain.close();

            Frames structured = Frames.open(app.ws("/ws/structured"));
            String question = "{\"query\": \"What is a vector database?\", \"session_id\": \"demo\"}";
            out.println("> " + question + "   (structured)");
            structured.send(question);
            List<String> frames = structured.until(f -> f.startsWith("{\"type\":\"done\""));
            out.println(frames.get(0));
            out.println(frames.get(1));
            out.println("... " + (frames.size() - 3) + " more token messages ...");
            out.println(frames.get(frames.size() - 1));
            structured.close();
        }
    }

    /** The JDK WebSocket client with its text messages in a queue. */
    private record Frames(WebSocket socket, BlockingQueue<String> messages) {
        static Frames open(URI uri) {
            BlockingQueue<String> messages = new LinkedBlockingQueue<>();
            WebSocket socket = HttpClient.newHttpClient().newWebSocketBuilder().buildAsync(uri,
                    new WebSocket.Listener() {
                        private final StringBuilder partial = new StringBuilder();

                        @Override
                        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
                            partial.append(data);
                            if (last) {
                                messages.add(partial.toString());
                                partial.setLength(0);
                            }
                            ws.request(1);
                            return null;
                        }
                    }).join();
            return new Frames(socket, messages);
        }

        void send(String text) {
            socket.sendText(text, true).join();
        }

        List<String> until(Predicate<String> last) throws InterruptedException {
            List<String> got = new java.util.ArrayList<>();
            while (true) {
                String m = messages.poll(30, TimeUnit.SECONDS);
                if (m == null) {
                    throw new IllegalStateException("no answer from the WebSocket within 30 s");
                }
                got.add(m);
                if (last.test(m)) {
                    return got;
                }
            }
        }

        void close() {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").join();
        }
    }
}
