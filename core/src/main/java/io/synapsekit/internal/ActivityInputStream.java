package io.synapsekit.internal;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/** A body stream that tells the watchdog whenever bytes arrive, so idle limits measure silence on the wire. */
final class ActivityInputStream extends FilterInputStream {

    private final StreamWatchdog watchdog;

    ActivityInputStream(InputStream in, StreamWatchdog watchdog) {
        super(in);
        this.watchdog = watchdog;
    }

    @Override
    public int read() throws IOException {
        int b = super.read();
        if (b >= 0) {
            watchdog.activity();
        }
        return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n = in.read(b, off, len);
        if (n > 0) {
            watchdog.activity();
        }
        return n;
    }
}
