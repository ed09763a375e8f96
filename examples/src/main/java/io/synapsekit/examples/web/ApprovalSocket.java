package io.synapsekit.examples.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.synapsekit.graph.CompiledGraph;
import io.synapsekit.graph.GraphStreams;
import jakarta.websocket.CloseReason;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.MessageHandler;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerEndpointConfig;
import java.io.IOException;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;

/**
 * The approval demo over WebSocket, in the structured protocol's JSON: {@code {"query": topic}} starts a run
 * and streams {@code {"type":"token",…}} frames, ending with {@code {"type":"interrupt","thread_id":…,
 * "node":…,"payload":…,"checkpoint_id":…,"session_id":…}}; {@code {"type":"resume","thread_id":…,"value":…}}
 * resumes it and streams the rest, ending with {@code {"type":"done",…}}. A bad message gets
 * {@code {"type":"error",…}}. One run streams at a time per connection, on a virtual thread; closing the
 * connection closes its stream. Frames are sent under a lock of their own: a session's basic remote takes one
 * sender at a time.
 */
public final class ApprovalSocket extends Endpoint {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final CompiledGraph graph;
    private final ReentrantLock lock = new ReentrantLock();
    private final ReentrantLock sending = new ReentrantLock();
    private Stream<String> streaming;   // null until the first run; guarded by lock

    private ApprovalSocket(CompiledGraph graph) {
        this.graph = graph;
    }

    /** Returns the endpoint at {@code path}, running {@code graph} (which must have a checkpointer). */
    public static ServerEndpointConfig at(String path, CompiledGraph graph) {
        return ServerEndpointConfig.Builder.create(ApprovalSocket.class, path)
                .configurator(new ServerEndpointConfig.Configurator() {
                    @Override
                    public <T> T getEndpointInstance(Class<T> endpointClass) {
                        return endpointClass.cast(new ApprovalSocket(graph));
                    }
                })
                .build();
    }

    @Override
    public void onOpen(Session session, EndpointConfig config) {
        session.addMessageHandler(String.class, (MessageHandler.Whole<String>) text -> received(session, text));
    }

    private void received(Session session, String text) {
        String sessionId = session.getId();
        Stream<String> frames;
        try {
            JsonNode json = JSON.readTree(text);
            if (json != null && "resume".equals(json.path("type").asText())) {
                frames = GraphStreams.wsResume(graph, json.path("thread_id").asText(),
                        JSON.convertValue(json.get("value"), Object.class), sessionId);
            } else if (json != null && json.path("query").isTextual()) {
                frames = GraphStreams.wsMessages(graph, "approval-" + UUID.randomUUID(),
                        Map.of("topic", json.path("query").asText()), sessionId);
            } else {
                throw new IllegalArgumentException("send {\"query\": …} or {\"type\":\"resume\",\"thread_id\": …, "
                        + "\"value\": …}");
            }
        } catch (IOException | RuntimeException e) {
            send(sending, session, JSON.createObjectNode().put("type", "error").put("content", String.valueOf(e.getMessage()))
                    .put("session_id", sessionId).toString());
            return;
        }
        lock.lock();
        try {
            if (streaming != null) {
                streaming.close();   // one run at a time per connection
            }
            streaming = frames;
        } finally {
            lock.unlock();
        }
        Thread.ofVirtual().name("approval-socket-" + sessionId).start(() -> {
            try (frames) {
                frames.forEach(frame -> send(sending, session, frame));
            } catch (RuntimeException e) {
                // closed by the client, or the connection failed: the run is cancelled with its stream
            }
        });
    }

    private static void send(ReentrantLock sending, Session session, String frame) {
        sending.lock();
        try {
            session.getBasicRemote().sendText(frame);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } finally {
            sending.unlock();
        }
    }

    @Override
    public void onClose(Session session, CloseReason reason) {
        lock.lock();
        try {
            if (streaming != null) {
                streaming.close();
            }
        } finally {
            lock.unlock();
        }
    }
}
