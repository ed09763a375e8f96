package io.synapsekit.internal;

import io.synapsekit.llm.LLMEvent;
import io.synapsekit.observe.LLMCall;
import io.synapsekit.observe.LLMCallListener;
import io.synapsekit.observe.LLMListener;
import io.synapsekit.observe.Scope;
import io.synapsekit.observe.Work;
import io.synapsekit.observe.WorkListener;
import io.synapsekit.stream.CloseableIterator;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The listeners that observe LLM calls and the work around them: those found with {@link ServiceLoader}, found
 * once, plus those registered on a builder; and the one place a listener's failure is caught and logged.
 */
public final class Observers {

    private static final Logger log = LoggerFactory.getLogger(Observers.class);
    /** The listener classes whose failure was logged already: each is logged once, not once per token. */
    private static final Set<Class<?>> LOGGED = ConcurrentHashMap.newKeySet();
    private static volatile @Nullable List<LLMListener> discovered;

    private Observers() {
    }

    /** Returns the listeners found with {@link ServiceLoader}, looked for on first use only. */
    public static List<LLMListener> discovered() {
        List<LLMListener> d = discovered;
        if (d == null) {
            d = load(null);
            discovered = d;
        }
        return d;
    }

    /**
     * Loads the providers of {@link LLMListener} visible to {@code loader} (the context class loader's, and the module layer's, when {@code null});
     * a provider that cannot be created is logged and skipped, never fatal.
     */
    static List<LLMListener> load(@Nullable ClassLoader loader) {
        ServiceLoader<LLMListener> services = loader == null ? ServiceLoader.load(LLMListener.class)
                : ServiceLoader.load(LLMListener.class, loader);
        List<LLMListener> found = new ArrayList<>();
        var it = services.iterator();
        while (true) {
            try {
                if (!it.hasNext()) {
                    break;
                }
                found.add(it.next());
            } catch (ServiceConfigurationError e) {
                log.warn("an io.synapsekit.observe.LLMListener provider could not be loaded; it is skipped", e);
            }
        }
        return List.copyOf(found);
    }

    /** Returns the discovered listeners followed by {@code registered}, each once. */
    public static List<LLMListener> with(List<LLMListener> registered) {
        List<LLMListener> d = discovered();
        if (registered.isEmpty()) {
            return d;
        }
        List<LLMListener> all = new ArrayList<>(d);
        for (LLMListener l : registered) {
            if (all.stream().noneMatch(existing -> existing == l)) {
                all.add(l);
            }
        }
        return Collections.unmodifiableList(all);
    }

    /** Logs a listener's failure, once per listener class; the stream goes on. */
    static void failed(Object listener, Throwable e) {
        if (LOGGED.add(listener.getClass())) {
            log.warn("listener {} failed; its failures are ignored, the stream goes on (logged once per listener"
                    + " class)", listener.getClass().getName(), e);
        }
    }

    /**
     * Opens an LLM call with {@code open} under {@code listeners}: each hears it start, and the returned stream
     * tells them what follows; {@code open} gets the scope to read the body in ({@code null} when nobody listens).
     * With no listener, returns {@code open}'s stream itself.
     */
    static CloseableIterator<LLMEvent> observe(List<LLMListener> listeners, LLMCall call,
            Function<@Nullable ReadScope, CloseableIterator<LLMEvent>> open) {
        if (listeners.isEmpty()) {
            return open.apply(null);
        }
        List<LLMCallListener> started = new ArrayList<>(listeners.size());
        for (LLMListener l : listeners) {
            try {
                LLMCallListener c = Objects.requireNonNull(l.callStarted(call), "callStarted returned null");
                if (c != LLMCallListener.NONE) {
                    started.add(c);
                }
            } catch (RuntimeException e) {
                failed(l, e);
            }
        }
        if (started.isEmpty()) {
            return open.apply(null);
        }
        ObservedEventStream observed = new ObservedEventStream(started.toArray(LLMCallListener[]::new));
        observed.open(open);
        return observed;
    }

    /** Starts {@code work} under {@code listeners}; {@link WorkListener#NONE} when none wants it. */
    public static WorkListener work(List<LLMListener> listeners, Work work) {
        if (listeners.isEmpty()) {
            return WorkListener.NONE;
        }
        List<WorkListener> started = new ArrayList<>(listeners.size());
        for (LLMListener l : listeners) {
            try {
                WorkListener w = Objects.requireNonNull(l.workStarted(work), "workStarted returned null");
                if (w != WorkListener.NONE) {
                    started.add(w);
                }
            } catch (RuntimeException e) {
                failed(l, e);
            }
        }
        return started.isEmpty() ? WorkListener.NONE : new GuardedWork(started.toArray(WorkListener[]::new));
    }

    /** Enters each of {@code listeners}' scopes; the returned scope closes them in reverse. */
    static Scope enterAll(Object[] listeners, Function<Object, Scope> enter) {
        if (listeners.length == 1) {
            return guarded(listeners[0], enter);
        }
        Scope[] scopes = new Scope[listeners.length];
        for (int i = 0; i < listeners.length; i++) {
            scopes[i] = guarded(listeners[i], enter);
        }
        return () -> {
            for (int i = scopes.length - 1; i >= 0; i--) {
                scopes[i].close();
            }
        };
    }

    private static Scope guarded(Object listener, Function<Object, Scope> enter) {
        Scope s;
        try {
            s = enter.apply(listener);
        } catch (RuntimeException e) {
            failed(listener, e);
            return Scope.NONE;
        }
        if (s == Scope.NONE || s == null) {
            return Scope.NONE;
        }
        return () -> {
            try {
                s.close();
            } catch (RuntimeException e) {
                failed(listener, e);
            }
        };
    }

    /** Several work listeners as one, each guarded. */
    private record GuardedWork(WorkListener[] listeners) implements WorkListener {
        @Override
        public Scope enter() {
            return enterAll(listeners, l -> ((WorkListener) l).enter());
        }

        @Override
        public void finished(@Nullable Throwable failure) {
            for (WorkListener l : listeners) {
                try {
                    l.finished(failure);
                } catch (RuntimeException e) {
                    failed(l, e);
                }
            }
        }
    }
}
