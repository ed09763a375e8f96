package io.synapsekit.graph;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Starts the named virtual threads of fan-out branches, each with a handler that logs what escapes it. */
final class GraphThreads {

    private static final Logger log = LoggerFactory.getLogger(GraphThreads.class);

    private GraphThreads() {
    }

    static Thread start(String name, Runnable task) {
        Thread t = Thread.ofVirtual().name(name).unstarted(task);
        t.setUncaughtExceptionHandler((th, e) -> log.error("uncaught failure on graph thread {}", th.getName(), e));
        t.start();
        return t;
    }
}
