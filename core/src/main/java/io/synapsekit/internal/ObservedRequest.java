package io.synapsekit.internal;

import io.synapsekit.llm.LLMEvent;
import io.synapsekit.observe.LLMCall;
import io.synapsekit.observe.LLMCallListener;
import io.synapsekit.observe.LLMListener;
import io.synapsekit.observe.Scope;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * One observed request answered whole (an embeddings batch), told to its listeners: started, sent inside their
 * scope, then its response, usage and end. Each listener's failure is caught and logged, as for a stream.
 *
 * <p>Used by one thread, the one that sends the request.
 */
public final class ObservedRequest {

    private static final ObservedRequest NONE = new ObservedRequest(new LLMCallListener[0]);

    private final LLMCallListener[] listeners;

    private ObservedRequest(LLMCallListener[] listeners) {
        this.listeners = listeners;
    }

    /**
     * Starts {@code operation} on {@code model}, posted to {@code uri}, under {@code listeners}; costs nothing when
     * none listens.
     */
    public static ObservedRequest start(List<LLMListener> listeners, String provider, String operation, String model,
            URI uri) {
        if (listeners.isEmpty()) {
            return NONE;
        }
        int port = uri.getPort() != -1 ? uri.getPort() : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
        LLMCall call = new LLMCall(provider, operation, model, io.synapsekit.llm.GenerateOptions.defaults(),
                String.valueOf(uri.getHost()), port);
        List<LLMCallListener> started = new ArrayList<>(listeners.size());
        for (LLMListener l : listeners) {
            try {
                LLMCallListener c = Objects.requireNonNull(l.callStarted(call), "callStarted returned null");
                if (c != LLMCallListener.NONE) {
                    started.add(c);
                }
            } catch (RuntimeException e) {
                Observers.failed(l, e);
            }
        }
        return started.isEmpty() ? NONE : new ObservedRequest(started.toArray(LLMCallListener[]::new));
    }

    /**
     * Sends the request with {@code send} inside the listeners' scope and returns its answer; a failure is heard as
     * {@code failed} and thrown on.
     */
    public <T> T send(Supplier<T> send) {
        if (listeners.length == 0) {
            return send.get();
        }
        Scope scope = Observers.enterAll(listeners, l -> ((LLMCallListener) l).enter());
        try {
            return send.get();
        } catch (RuntimeException e) {
            failed(e);
            throw e;
        } finally {
            scope.close();
        }
    }

    /** Tells the listeners the answer's id and model (either may be {@code null}), its usage, and its end. */
    public void finished(@Nullable String id, @Nullable String model, LLMEvent.@Nullable Usage usage) {
        for (LLMCallListener l : listeners) {
            try {
                if (id != null || model != null) {
                    l.response(id, model);
                }
                if (usage != null) {
                    l.usage(usage);
                }
            } catch (RuntimeException x) {
                Observers.failed(l, x);
            }
            try { // apart: a listener that failed above still ends the call
                l.finished(null);
            } catch (RuntimeException x) {
                Observers.failed(l, x);
            }
        }
    }

    /** Tells the listeners the request failed after its answer arrived (an answer that cannot be read). */
    public void failed(RuntimeException error) {
        for (LLMCallListener l : listeners) {
            try {
                l.failed(error, 0);
            } catch (RuntimeException x) {
                Observers.failed(l, x);
            }
        }
    }
}
