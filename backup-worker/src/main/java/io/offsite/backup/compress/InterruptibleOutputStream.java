package io.offsite.backup.compress;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;

/**
 * Fails a write with {@link InterruptedIOException} once the writing thread is interrupted, so a
 * cancelled backup stops even when the wrapped stream (native zstd, a plain copy) would not notice.
 * The interrupt status is left set.
 */
final class InterruptibleOutputStream extends FilterOutputStream {

    InterruptibleOutputStream(OutputStream out) {
        super(out);
    }

    @Override
    public void write(int b) throws IOException {
        checkInterrupted();
        out.write(b);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        checkInterrupted();
        out.write(b, off, len);
    }

    private static void checkInterrupted() throws InterruptedIOException {
        if (Thread.currentThread().isInterrupted()) {
            throw new InterruptedIOException("compression interrupted");
        }
    }
}
