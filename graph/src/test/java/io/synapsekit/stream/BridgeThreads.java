package io.synapsekit.stream;

import java.util.Set;

/** Test access to the producer threads of {@link QueueTokenBridge} still running (tests run on the class path). */
public final class BridgeThreads {

    private BridgeThreads() {
    }

    public static Set<Thread> live() {
        return Set.copyOf(QueueTokenBridge.LIVE);
    }
}
