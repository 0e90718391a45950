package io.offsite.backup.compress;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Passes bytes through from the wrapped stream, counting them and computing their SHA-256; used
 * when verifying or restoring an artifact. Skipped bytes are read, so they are hashed too.
 */
public final class HashingInputStream extends FilterInputStream {

    private final RunningSha256 sha256 = new RunningSha256();

    public HashingInputStream(InputStream in) {
        super(in);
    }

    @Override
    public int read() throws IOException {
        int b = in.read();
        if (b >= 0) {
            sha256.update(b);
        }
        return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n = in.read(b, off, len);
        if (n > 0) {
            sha256.update(b, off, n);
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        byte[] scratch = new byte[(int) Math.min(8192, Math.max(n, 1))];
        long skipped = 0;
        while (skipped < n) {
            int read = read(scratch, 0, (int) Math.min(scratch.length, n - skipped));
            if (read < 0) {
                break;
            }
            skipped += read;
        }
        return skipped;
    }

    @Override
    public boolean markSupported() {
        return false;
    }

    @Override
    public void mark(int readlimit) {
        // not supported: a reset would hash bytes twice
    }

    @Override
    public void reset() throws IOException {
        throw new IOException("mark/reset not supported");
    }

    /** Bytes read so far. */
    public long size() {
        return sha256.size();
    }

    /** Size and SHA-256 of everything read; call once reading is done (later reads fail). */
    public ContentDigest digest() {
        return sha256.result();
    }
}
