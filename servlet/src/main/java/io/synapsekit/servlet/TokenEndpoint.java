package io.synapsekit.servlet;

import io.synapsekit.server.WsConnection;
import io.synapsekit.server.WsProtocol;
import jakarta.websocket.CloseReason;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.MessageHandler;
import jakarta.websocket.Session;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Jakarta WebSocket connection of {@link TokenWebSocket}, adapted to a container-neutral {@link WsConnection}:
 * messages are handed to it on the container's thread, frames go out through the session's blocking sender.
 *
 * <p>Public only because containers instantiate endpoint classes; use {@link TokenWebSocket}.
 */
public final class TokenEndpoint extends Endpoint {

    private static final Logger log = LoggerFactory.getLogger(TokenEndpoint.class);

    private final WsProtocol protocol;
    private final int maxMessageChars;
    private volatile WsConnection connection;

    TokenEndpoint(WsProtocol protocol, int maxMessageChars) {
        this.protocol = protocol;
        this.maxMessageChars = maxMessageChars;
    }

    @Override
    public void onOpen(Session session, EndpointConfig config) {
        // The container's own limit stays above ours, so that a too-long message gets our error frame rather
        // than a closed connection; UTF-8 needs at most 4 bytes a character.
        session.setMaxTextMessageBufferSize(Math.max(session.getMaxTextMessageBufferSize(), maxMessageChars * 4 + 64));
        WsConnection c = WsConnection.open(session.getId(), protocol, text -> {
            if (!session.isOpen()) {
                throw new java.io.IOException("session closed");
            }
            session.getBasicRemote().sendText(text);
        }, maxMessageChars);
        connection = c;
        session.addMessageHandler(new MessageHandler.Whole<String>() {
            @Override
            public void onMessage(String text) {
                c.received(text);
            }
        });
    }

    @Override
    public void onClose(Session session, CloseReason reason) {
        WsConnection c = connection;
        if (c != null) {
            c.close();
        }
        log.debug("WebSocket {} closed: {}", session.getId(), reason);
    }

    @Override
    public void onError(Session session, Throwable error) {
        log.debug("WebSocket {} failed", session.getId(), error);
    }
}
