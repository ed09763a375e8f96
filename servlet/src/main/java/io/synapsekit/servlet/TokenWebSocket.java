package io.synapsekit.servlet;

import io.synapsekit.graph.CompiledGraph;
import io.synapsekit.server.WsConnection;
import io.synapsekit.server.WsProtocol;
import io.synapsekit.server.WsUpgrade;
import jakarta.websocket.Endpoint;
import jakarta.websocket.HandshakeResponse;
import jakarta.websocket.server.HandshakeRequest;
import jakarta.websocket.server.ServerEndpointConfig;
import java.util.Map;
import java.util.Objects;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * Jakarta WebSocket endpoints that stream answers token by token, for any container (Jetty, Tomcat, Undertow):
 * register the returned {@link ServerEndpointConfig} with the container's {@code ServerContainer}. Each connection
 * is served by a container-neutral {@link WsConnection} speaking a {@link WsProtocol}: see those for the protocols,
 * the limits and what cancels an answer.
 *
 * <p>Observed with {@link WsProtocol#withListener}, a connection's work begins during the handshake, while the
 * container (or a tracing agent) has the upgrade request's context current, so each answer on the connection sits
 * under the upgrade request in one trace, though it runs long after that request has returned.
 *
 * <pre>{@code
 * ServerContainer ws = …;
 * ws.addEndpoint(TokenWebSocket.plain("/ws", llm::stream));
 * ws.addEndpoint(TokenWebSocket.structured("/ws/structured", (sessionId, query) -> rag.stream(query)));
 * ws.addEndpoint(TokenWebSocket.graph("/ws/approval", checkpointedGraph, query -> Map.of("topic", query)));
 * }</pre>
 */
public final class TokenWebSocket {

    private TokenWebSocket() {
    }

    /** Returns the plain-text protocol at {@code path}: a question per message, a frame per token, {@code [DONE]}. */
    public static ServerEndpointConfig plain(String path, Function<String, Stream<String>> answer) {
        return of(path, WsProtocol.plain(answer));
    }

    /** Returns the structured JSON protocol at {@code path}; {@code answer} gets the session id and the query. */
    public static ServerEndpointConfig structured(String path, BiFunction<String, String, Stream<String>> answer) {
        return of(path, WsProtocol.structured(answer));
    }

    /** Returns the structured JSON protocol at {@code path}, answering with {@code answer(query)}. */
    public static ServerEndpointConfig structured(String path, Function<String, Stream<String>> answer) {
        return of(path, WsProtocol.structured(answer));
    }

    /**
     * Returns the structured JSON protocol at {@code path} serving a checkpointed graph with a person in the loop
     * (see {@link WsProtocol#graph}): a query starts a run with input {@code input(query)}, a pause ends with an
     * {@code interrupt} frame, and {@code {"type":"resume","thread_id":…,"value":…}} continues the thread.
     */
    public static ServerEndpointConfig graph(String path, CompiledGraph graph,
            Function<String, ? extends Map<String, ?>> input) {
        return of(path, WsProtocol.graph(graph, input));
    }

    /**
     * Returns {@code protocol} at {@code path}, accepting messages of up to
     * {@value WsConnection#DEFAULT_MAX_MESSAGE_CHARS} characters.
     */
    public static ServerEndpointConfig of(String path, WsProtocol protocol) {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(protocol, "protocol");
        return ServerEndpointConfig.Builder.create(TokenEndpoint.class, path)
                .configurator(new ServerEndpointConfig.Configurator() {
                    @Override
                    public void modifyHandshake(ServerEndpointConfig config, HandshakeRequest request,
                            HandshakeResponse response) {
                        // On the upgrade request's thread, inside its filter chain: the last moment its context
                        // is current. Jetty and Tomcat pass a copy of the config, and of its user properties,
                        // per upgrade, and give that copy to the endpoint's onOpen.
                        config.getUserProperties().put(TokenEndpoint.UPGRADE, WsUpgrade.begin(protocol));
                    }

                    @Override
                    public <T> T getEndpointInstance(Class<T> endpointClass) {
                        Endpoint endpoint = new TokenEndpoint(protocol, WsConnection.DEFAULT_MAX_MESSAGE_CHARS);
                        return endpointClass.cast(endpoint);
                    }
                })
                .build();
    }
}
