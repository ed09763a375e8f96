package io.synapsekit.servlet;

import io.synapsekit.server.WsConnection;
import io.synapsekit.server.WsProtocol;
import io.synapsekit.server.WsUpgrade;
import jakarta.websocket.CloseReason;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.MessageHandler;
import jakarta.websocket.Session;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Jakarta WebSocket connection of {@link TokenWebSocket}, adapted to a container-neutral {@link WsConnection}:
 * messages are handed to it in parts on the container's thread, frames go out through the session's blocking
 * sender.
 *
 * <p>Public only because containers instantiate endpoint classes; use {@link TokenWebSocket}.
 */
public final class TokenEndpoint extends Endpoint {

    private static final Logger log = LoggerFactory.getLogger(TokenEndpoint.class);

    /** The user property under which the handshake leaves the connection's {@link WsUpgrade} for onOpen. */
    static final String UPGRADE = WsUpgrade.class.getName();

    private final WsProtocol protocol;
    private final int maxMessageChars;
    private volatile @Nullable WsConnection connection;

    TokenEndpoint(WsProtocol protocol, int maxMessageChars) {
        this.protocol = protocol;
        this.maxMessageChars = maxMessageChars;
    }

    @Override
    public void onOpen(Session session, EndpointConfig config) {
        // Begun in the handshake, under the upgrade request; a container that skipped the hook gets one here.
        WsUpgrade upgrade = config.getUserProperties().remove(UPGRADE) instanceof WsUpgrade begun
                ? begun : WsUpgrade.begin(protocol);
        WsConnection c = WsConnection.open(session.getId(), protocol, text -> {
            if (!session.isOpen()) {
                throw new java.io.IOException("session closed");
            }
            session.getBasicRemote().sendText(text);
        }, maxMessageChars, upgrade);
        connection = c;
        try {
            // In parts, not whole: a container holding whole messages closes the connection (1009) once one
            // outgrows its buffer, whatever our limit; with parts, WsConnection drops what is past the limit and
            // answers the message with an error frame, however long it is. The buffer stays the container's
            // default, and sets only the size of the parts.
            session.addMessageHandler(String.class, (MessageHandler.Partial<String>) c::receivedPart);
        } catch (RuntimeException e) {
            c.close(); // no message can reach it: release its thread and end its work
            throw e;
        }
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
