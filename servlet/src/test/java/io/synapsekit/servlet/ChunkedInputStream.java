package io.synapsekit.servlet;

import java.io.IOException;
import java.io.InputStream;

/** Decodes an HTTP/1.1 chunked body read from a raw socket (the tests' "browser" that can hang up at will). */
final class ChunkedInputStream extends InputStream {

    private final InputStream in;
    private long remaining;
    private boolean eof;

    ChunkedInputStream(InputStream in) {
        this.in = in;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (eof) {
            return -1;
        }
        if (remaining == 0) {
            String line = line();
            if (line.isEmpty()) {
                line = line(); // the CRLF that ends the previous chunk
            }
            int semicolon = line.indexOf(';');
            remaining = Long.parseLong((semicolon < 0 ? line : line.substring(0, semicolon)).trim(), 16);
            if (remaining == 0) {
                eof = true;
                return -1;
            }
        }
        int n = in.read(b, off, (int) Math.min(len, remaining));
        if (n < 0) {
            throw new IOException("connection closed inside a chunk");
        }
        remaining -= n;
        return n;
    }

    private String line() throws IOException {
        StringBuilder s = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0 && c != '\n') {
            if (c != '\r') {
                s.append((char) c);
            }
        }
        return s.toString();
    }
}
