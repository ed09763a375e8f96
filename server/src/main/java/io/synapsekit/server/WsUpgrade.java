package io.synapsekit.server;

import io.synapsekit.internal.Observers;
import io.synapsekit.observe.Scope;
import io.synapsekit.observe.Work;
import io.synapsekit.observe.WorkListener;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;

/**
 * The observed work of one WebSocket connection ({@link Work#WEBSOCKET_CONNECTION}), begun while its upgrade
 * request is handled: the request's context (a tracing agent's span of it, say) is current then, so the
 * connection is that request's child, and each answer on the connection is the connection's child, though the
 * answers run on a thread of their own long after the request has returned.
 *
 * <p>Begin it on the upgrade request's thread ({@link #begin}), for instance in a WebSocket configurator's
 * handshake hook, and hand it to {@link WsConnection#open(String, WsProtocol, WsConnection.Frames, int, WsUpgrade)},
 * which ends it when the connection closes. An upgrade that never becomes a connection must be ended with
 * {@link #refused}. Ending is idempotent and thread-safe.
 */
public final class WsUpgrade {

    private final WorkListener work;
    private final AtomicBoolean ended = new AtomicBoolean();

    private WsUpgrade(WorkListener work) {
        this.work = work;
    }

    /**
     * Begins the connection's work for {@code protocol}'s listeners, as the child of whatever context is current
     * on the calling thread; with no listener it costs nothing.
     */
    public static WsUpgrade begin(WsProtocol protocol) {
        Objects.requireNonNull(protocol, "protocol");
        return new WsUpgrade(Observers.work(protocol.listeners(),
                new Work(Work.WEBSOCKET_CONNECTION, protocol.name())));
    }

    /** Ends the work of an upgrade that did not become a connection, as cancelled; does nothing once ended. */
    public void refused() {
        end(new CancellationException("the WebSocket upgrade did not open a connection"));
    }

    /** Makes the connection's context current on the calling thread until the scope closes. */
    Scope enter() {
        return work.enter();
    }

    /** Ends the work once; later calls do nothing. */
    void end(@Nullable Throwable failure) {
        if (ended.compareAndSet(false, true)) {
            work.finished(failure);
        }
    }

    @Override
    public String toString() {
        return "WsUpgrade[" + (ended.get() ? "ended" : "open") + "]";
    }
}
