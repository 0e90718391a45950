package io.offsite.backup.pipeline;

import io.offsite.backup.compress.ContentDigest;
import io.offsite.backup.compress.HashingInputStream;
import io.offsite.backup.compress.HashingOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
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
     * What the compressed bytes pass through before they are hashed and stored: encryption, or {@link #NONE}. Closing
     * the returned stream finishes it (an age stream's last chunk) and closes the sink.
     */
    @FunctionalInterface
    public interface Encryptor {
        Encryptor NONE = sink -> sink;

        OutputStream wrap(OutputStream sink) throws IOException;
    }

    /**
     * Streams {@code in} through {@code compressor} and {@code encryptor} into {@code sink}. Everything after the
     * compressor (encryption, the SHA-256 of the stored bytes, filling the upload's parts) runs on a thread of its own,
     * beside reading and compressing. The sink is flushed but left open (the caller completes or aborts the upload).
     * Stops with {@link InterruptedIOException} when the thread is interrupted.
     */
    public StreamResult copy(InputStream in, long expectedBytes, Compressor compressor, Encryptor encryptor, OutputStream sink,
                             Progress progress) throws IOException {
        HashingInputStream source = new HashingInputStream(in);
        HashingOutputStream stored = new HashingOutputStream(new NonClosing(sink));
        PipelinedOutputStream handOff = new PipelinedOutputStream(encryptor.wrap(stored), "backup-stream-" + Thread.currentThread().getName());
        OutputStream out = null;
        try {
            out = compressor.wrap(handOff);
            long started = clock.millis();
            long lastReport = started;
            byte[] buffer = new byte[BUFFER];
            int n;
            while ((n = source.read(buffer)) != -1) {
                if (Thread.currentThread().isInterrupted()) {
                    throw new InterruptedIOException("backup stream interrupted after " + source.size() + " bytes");
                }
                out.write(buffer, 0, n);
                long now = clock.millis();
                if (now - lastReport >= progressInterval.toMillis()) {
                    lastReport = now;
                    progress.report(source.size(), expectedBytes, source.size() * 1000.0 / Math.max(1, now - started));
                }
            }
            out.close(); // finishes the compressed stream, then waits for the stage to write and close the rest
        } catch (IOException | RuntimeException | Error e) {
            // nothing waits for the rest to be encrypted and uploaded: the caller aborts the upload
            handOff.abort();
            closeAfterFailure(out, e);
            throw e;
        }
        sink.flush();
        ContentDigest read = source.digest();
        ContentDigest written = stored.digest();
        return new StreamResult(read.size(), read.sha256(), written.size(), written.sha256());
    }

    /** Releases the compressor (its threads, its native memory); what it says about the stopped stage is noise. */
    private static void closeAfterFailure(OutputStream compressor, Throwable failure) {
        if (compressor == null) {
            return;
        }
        try {
            compressor.close();
        } catch (IOException | RuntimeException e) {
            if (e != failure) {
                failure.addSuppressed(e);
            }
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
