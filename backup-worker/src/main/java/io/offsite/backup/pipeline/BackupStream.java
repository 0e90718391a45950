package io.offsite.backup.pipeline;

import io.offsite.worker.integrity.Sha256;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;

/**
 * The one pass of a backup: snapshot bytes → SHA-256 of the snapshot → compressor → SHA-256 and size of the
 * compressed bytes → the sink (an S3 multipart upload). Memory stays bounded by the read buffer, the
 * compressor's window and the sink's part buffers, whatever the snapshot's size.
 */
public final class BackupStream {

    private static final int BUFFER = 1 << 20;

    private final Clock clock;
    private final Duration progressInterval;

    public BackupStream(Clock clock, Duration progressInterval) {
        this.clock = clock;
        this.progressInterval = progressInterval;
    }

    /** A compressor: wraps the sink; closing the returned stream finishes the compressed stream and the sink. */
    @FunctionalInterface
    public interface Compressor {
        OutputStream wrap(OutputStream sink) throws IOException;
    }

    /**
     * Streams {@code in} through {@code compressor} into {@code sink}. The sink is flushed but left open (the caller
     * completes or aborts the upload). Stops with {@link InterruptedIOException} when the thread is interrupted.
     */
    public StreamResult copy(InputStream in, long expectedBytes, Compressor compressor, OutputStream sink, Progress progress)
            throws IOException {
        MessageDigest sourceDigest = Sha256.newDigest();
        CountingDigestStream stored = new CountingDigestStream(new NonClosing(sink));
        long sourceBytes = 0;
        long started = clock.millis();
        long lastReport = started;
        byte[] buffer = new byte[BUFFER];
        try (OutputStream out = compressor.wrap(stored)) {
            int n;
            while ((n = in.read(buffer)) != -1) {
                if (Thread.currentThread().isInterrupted()) {
                    throw new InterruptedIOException("backup stream interrupted after " + sourceBytes + " bytes");
                }
                sourceDigest.update(buffer, 0, n);
                out.write(buffer, 0, n);
                sourceBytes += n;
                long now = clock.millis();
                if (now - lastReport >= progressInterval.toMillis()) {
                    lastReport = now;
                    progress.report(sourceBytes, expectedBytes, sourceBytes * 1000.0 / Math.max(1, now - started));
                }
            }
        }
        sink.flush();
        return new StreamResult(sourceBytes, Sha256.hex(sourceDigest), stored.count,
                Sha256.hex(stored.digest));
    }

    private static final class CountingDigestStream extends FilterOutputStream {
        private final MessageDigest digest = Sha256.newDigest();
        private long count;

        CountingDigestStream(OutputStream out) {
            super(out);
        }

        @Override
        public void write(int b) throws IOException {
            digest.update((byte) b);
            count++;
            out.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            digest.update(b, off, len);
            count += len;
            out.write(b, off, len);
        }
    }

    /** Keeps the compressor's close from closing the upload, whose completion is the caller's decision. */
    private static final class NonClosing extends FilterOutputStream {
        NonClosing(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            out.flush();
        }
    }
}
