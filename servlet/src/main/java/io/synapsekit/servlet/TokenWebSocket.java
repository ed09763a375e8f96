package io.synapsekit.servlet;

import jakarta.websocket.Endpoint;
import jakarta.websocket.server.ServerEndpointConfig;
import java.util.Objects;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * Jakarta WebSocket endpoints that stream answers token by token, for any container (Jetty, Tomcat, Undertow):
 * register the returned {@link ServerEndpointConfig} with the container's {@code ServerContainer}.
 *
 * <p>Both protocols take several questions over one connection, answered in order (up to
 * {@value #MAX_WAITING_QUESTIONS} may wait), each on the connection's own virtual thread, and a socket that closes
 * stops the current answer at once (its stream is closed: the LLM request is cancelled, the graph run stops).
 * A message over {@value #DEFAULT_MAX_MESSAGE_CHARS} characters or one that cannot be read gets an error frame,
 * and the connection stays usable.
 *
 * <ul>
 *   <li>{@link #plain(String, Function) plain}: each text message is a question; the answer comes as one text
 *       frame per token, then {@code [DONE]}. A failure sends {@code [ERROR] <message>}, then {@code [DONE]}.
 *   <li>{@link #structured(String, BiFunction) structured}: the guide's JSON protocol. A question is
 *       {@code {"query": "…", "session_id": "…"}} ({@code session_id} defaults to {@code "default"}); the answer
 *       is {@code {"type":"token","content":…,"session_id":…}} per token, then
 *       {@code {"type":"done","session_id":…}}. {@code {"type":"cancel"}} stops the current answer, which then
 *       ends with {@code {"type":"cancelled","session_id":…}}. Failures and bad messages get
 *       {@code {"type":"error","content":…,"session_id":…}}.
 * </ul>
 *
 * <pre>{@code
 * ServerContainer ws = …;
 * ws.addEndpoint(TokenWebSocket.plain("/ws", llm::stream));
 * ws.addEndpoint(TokenWebSocket.structured("/ws/structured", (sessionId, query) -> rag.stream(sessionId, query)));
 * }</pre>
 *
 * <p>The {@code session_id} comes from the client and proves nothing: scope it (by user, by connection) before
 * keying anything private on it.
 */
public final class TokenWebSocket {

    /** The longest message accepted: 16,384 characters. */
    public static final int DEFAULT_MAX_MESSAGE_CHARS = 16_384;
    /** How many questions may wait on one connection while an answer streams. */
    public static final int MAX_WAITING_QUESTIONS = 8;

    private TokenWebSocket() {
    }

    /** Returns the plain-text protocol at {@code path}: a question per message, a frame per token, {@code [DONE]}. */
    public static ServerEndpointConfig plain(String path, Function<String, Stream<String>> answer) {
        Objects.requireNonNull(answer, "answer");
        return config(path, new WsProtocol.Plain((sessionId, query) -> answer.apply(query)));
    }

    /** Returns the structured JSON protocol at {@code path}; {@code answer} gets the session id and the query. */
    public static ServerEndpointConfig structured(String path, BiFunction<String, String, Stream<String>> answer) {
        return config(path, new WsProtocol.Structured(Objects.requireNonNull(answer, "answer")));
    }

    /** Returns the structured JSON protocol at {@code path}, answering with {@code answer(query)}. */
    public static ServerEndpointConfig structured(String path, Function<String, Stream<String>> answer) {
        Objects.requireNonNull(answer, "answer");
        return structured(path, (sessionId, query) -> answer.apply(query));
    }

    private static ServerEndpointConfig config(String path, WsProtocol protocol) {
        Objects.requireNonNull(path, "path");
        return ServerEndpointConfig.Builder.create(TokenEndpoint.class, path)
                .configurator(new ServerEndpointConfig.Configurator() {
                    @Override
                    public <T> T getEndpointInstance(Class<T> endpointClass) {
                        Endpoint endpoint = new TokenEndpoint(protocol, DEFAULT_MAX_MESSAGE_CHARS,
                                MAX_WAITING_QUESTIONS);
                        return endpointClass.cast(endpoint);
                    }
                })
                .build();
    }
}
