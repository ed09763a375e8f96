package io.synapsekit.graph;

import java.time.Clock;
import java.time.Duration;

/** {@link MemoryCheckpointer} passes the checkpointer conformance suite, time to live included. */
class MemoryCheckpointerTest extends CheckpointerContract {

    @Override
    protected Checkpointer checkpointer() {
        return new MemoryCheckpointer();
    }

    @Override
    protected boolean supportsTtl() {
        return true;
    }

    @Override
    protected Checkpointer checkpointerWithTtl(Duration ttl, Clock clock) {
        return MemoryCheckpointer.withTtl(ttl, clock);
    }
}
