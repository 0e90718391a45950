package io.offsite.backup.compress;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/**
 * Passes bytes through to the wrapped stream, counting them and computing their SHA-256.
 *
 * <p>A pipeline puts one in front of the compressor (the snapshot's digest) and one behind it (the
 * artifact's digest) to get both in a single pass. Only bytes the wrapped stream accepted are counted.
 */
public final class HashingOutputStream extends FilterOutputStream {

    private final RunningSha256 sha256 = new RunningSha256();

    public HashingOutputStream(OutputStream out) {
        super(out);
    }

    @Override
    public void write(int b) throws IOException {
        out.write(b);
        sha256.update(b);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        out.write(b, off, len);
        sha256.update(b, off, len);
    }

    /** Bytes written so far. */
    public long size() {
        return sha256.size();
    }

    /** Size and SHA-256 of everything written; call once writing is done (later writes fail). */
    public ContentDigest digest() {
        return sha256.result();
    }
}
