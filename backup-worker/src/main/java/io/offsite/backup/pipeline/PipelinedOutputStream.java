package io.offsite.backup.pipeline;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Hands what is written to a thread of its own, which writes it to the downstream stream: the work downstream
 * (encryption, hashing, filling upload parts) then runs beside the writer's (reading, compressing) instead of after
 * it. The writer copies into one of a few fixed buffers and only waits when all of them are queued.
 *
 * <p>Closing writes what is left, closes the downstream stream on the stage's thread and waits for it. A failure
 * downstream (its own exception, of its own type) is rethrown to the writer on a later {@code write}, {@code flush}
 * or {@code close}; after one, nothing more reaches the downstream stream and {@code close()} does not close it (so a
 * stream that ends with a trailer or a final chunk is visibly incomplete). Interrupting the writer makes the
 * waiting call throw {@link InterruptedIOException} with the interrupt status kept. The thread is a daemon stopped
 * by {@code close()} whatever happened. Not thread-safe: one thread writes.
 */
public final class PipelinedOutputStream extends OutputStream {

    /** Bytes per handed-over buffer. */
    public static final int BUFFER_SIZE = 256 * 1024;
    /** Buffers in all: one being filled, the others queued or being written downstream. */
    public static final int BUFFERS = 4;

    private static final long POLL_MILLIS = 100;
    private static final long STOP_MILLIS = 10_000;
    private static final Chunk END = new Chunk(new byte[0], 0);

    private final OutputStream downstream;
    private final BlockingQueue<byte[]> free = new ArrayBlockingQueue<>(BUFFERS);
    private final BlockingQueue<Chunk> queued = new ArrayBlockingQueue<>(BUFFERS + 1);
    private final Thread thread;
    private volatile Throwable failure;
    private byte[] buffer;
    private int filled;
    private boolean closed;

    /**
     * Starts the stage's thread.
     *
     * @param downstream where the bytes go, written and closed on the stage's thread only
     * @param name       the thread's name
     */
    public PipelinedOutputStream(OutputStream downstream, String name) {
        this.downstream = Objects.requireNonNull(downstream, "downstream");
        for (int i = 1; i < BUFFERS; i++) {
            free.add(new byte[BUFFER_SIZE]);
        }
        buffer = new byte[BUFFER_SIZE];
        thread = new Thread(this::drain, name);
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        ensureWritable();
        while (len > 0) {
            if (filled == BUFFER_SIZE) {
                handOver();
            }
            int n = Math.min(len, BUFFER_SIZE - filled);
            System.arraycopy(b, off, buffer, filled, n);
            filled += n;
            off += n;
            len -= n;
        }
    }

    /** Hands over what is buffered; the stage writes it downstream in its own time (the end is waited for at close). */
    @Override
    public void flush() throws IOException {
        ensureWritable();
        if (filled > 0) {
            handOver();
        }
    }

    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try {
            if (failure == null) {
                if (filled > 0) {
                    handOver();
                }
                offer(END);
                awaitEnd();
            }
            rethrowFailure();
        } finally {
            buffer = null;
            if (thread.isAlive()) {
                stop();
            }
        }
    }

    /**
     * Stops the stage without writing what is left and without closing the downstream stream (whose owner abandons
     * it); later writes fail. For a writer that failed: nothing waits for the rest to be encrypted or uploaded.
     */
    public void abort() {
        closed = true;
        buffer = null;
        if (failure == null) {
            failure = new IOException("stream aborted");
        }
        stop();
    }

    private void handOver() throws IOException {
        offer(new Chunk(buffer, filled));
        buffer = null;
        filled = 0;
        try {
            byte[] next;
            while ((next = free.poll(POLL_MILLIS, TimeUnit.MILLISECONDS)) == null) {
                rethrowFailure();
            }
            buffer = next;
        } catch (InterruptedException e) {
            throw interrupted(e);
        }
        rethrowFailure();
    }

    private void offer(Chunk chunk) throws IOException {
        try {
            while (!queued.offer(chunk, POLL_MILLIS, TimeUnit.MILLISECONDS)) {
                rethrowFailure();
            }
        } catch (InterruptedException e) {
            throw interrupted(e);
        }
    }

    private void awaitEnd() throws IOException {
        try {
            while (thread.isAlive()) {
                thread.join(POLL_MILLIS);
            }
        } catch (InterruptedException e) {
            throw interrupted(e);
        }
    }

    /** On the stage's thread: writes each handed-over buffer downstream, then closes it at the end. */
    private void drain() {
        try {
            while (true) {
                Chunk chunk = queued.take();
                if (chunk == END) {
                    downstream.close();
                    return;
                }
                downstream.write(chunk.bytes, 0, chunk.length);
                free.put(chunk.bytes);
            }
        } catch (InterruptedException e) {
            failure = new InterruptedIOException("stopped before the end of the stream");
        } catch (Throwable e) {
            failure = e;
        }
    }

    private void stop() {
        thread.interrupt();
        try {
            thread.join(STOP_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void ensureWritable() throws IOException {
        if (closed) {
            throw new IOException("stream closed");
        }
        rethrowFailure();
    }

    /** The downstream's own exception, so callers classify it as if they had written downstream themselves. */
    private void rethrowFailure() throws IOException {
        Throwable cause = failure;
        if (cause == null) {
            return;
        }
        if (cause instanceof IOException io) {
            throw io;
        }
        if (cause instanceof RuntimeException runtime) {
            throw runtime;
        }
        if (cause instanceof Error error) {
            throw error;
        }
        throw new IOException(cause);
    }

    private InterruptedIOException interrupted(InterruptedException e) {
        Thread.currentThread().interrupt();
        InterruptedIOException io = new InterruptedIOException("interrupted while the stream was being written");
        io.initCause(e);
        return io;
    }

    private record Chunk(byte[] bytes, int length) {
    }
}
