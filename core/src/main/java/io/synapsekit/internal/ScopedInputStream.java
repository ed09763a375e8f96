package io.synapsekit.internal;

import io.synapsekit.observe.Scope;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * A body stream read inside an observed call's context: each read, the only place the reading thread waits on the
 * wire, runs with the call's context current. Per read rather than per event, so that a burst of events decoded
 * from one buffer costs one scope.
 */
final class ScopedInputStream extends FilterInputStream {

    private final ReadScope scope;

    ScopedInputStream(InputStream in, ReadScope scope) {
        super(in);
        this.scope = scope;
    }

    @Override
    public int read() throws IOException {
        Scope s = scope.enter();
        try {
            return in.read();
        } finally {
            scope.exit(s);
        }
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        Scope s = scope.enter();
        try {
            return in.read(b, off, len);
        } finally {
            scope.exit(s);
        }
    }
}
