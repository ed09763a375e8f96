package io.synapsekit.graph;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Starts the named virtual threads of fan-out branches and keeps count of them, so tests can prove none leaks. */
final class GraphThreads {

    private static final Logger log = LoggerFactory.getLogger(GraphThreads.class);

    /** Branch threads still running. */
    static final Set<Thread> LIVE = ConcurrentHashMap.newKeySet();

    private GraphThreads() {
    }

    static Thread start(String name, Runnable task) {
        Thread t = Thread.ofVirtual().name(name).unstarted(() -> {
            try {
                task.run();
            } finally {
                LIVE.remove(Thread.currentThread());
            }
        });
        t.setUncaughtExceptionHandler((th, e) -> log.error("uncaught failure on graph thread {}", th.getName(), e));
        LIVE.add(t);
        t.start();
        return t;
    }
}
