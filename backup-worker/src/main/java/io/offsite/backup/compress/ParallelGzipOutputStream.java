package io.offsite.backup.compress;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * Writes one gzip member (RFC 1952) compressed on several threads, the way pigz does.
 *
 * <p>Input is cut into blocks of {@value #DEFAULT_BLOCK_SIZE} bytes. Each block is deflated on its own
 * by a worker thread, primed with the last 32 KiB of the previous block as a preset dictionary so
 * matches still reach back across block edges, and ends with a sync flush, which byte-aligns it
 * without marking it final. Concatenated in input order the blocks form one deflate stream; the last
 * block is finished normally. The CRC-32 and length of the trailer are computed over the input in
 * order, on the writing thread. The output depends only on the input, level and block size, not on
 * the thread count.
 *
 * <p>Memory stays bounded: at most {@code 2 × threads + 2} blocks are in flight, and a writer that
 * gets ahead of the workers waits for the oldest one to be written out. Input blocks and the
 * workers' output buffers are direct buffers, reused, so the only sizeable garbage is a copy of the
 * compressed bytes, and deflating never pins heap arrays: with heap arrays, workers that are always
 * inside {@code Deflater.deflate} hold the JDK 17 GC locker most of the time, and allocating threads
 * can then fail with {@code OutOfMemoryError} in a small heap.
 *
 * <p>Failures: an exception in a worker is rethrown to the writer as an {@link IOException} on a
 * later {@code write}, {@code flush} or {@code close}. Interrupting the writing thread makes the
 * current or next call throw {@link InterruptedIOException} (the interrupt status stays set). After
 * any failure the stream is unusable; {@code close()} then stops the workers and closes the
 * underlying stream without writing the trailer, so the output is visibly incomplete.
 *
 * <p>The worker threads are daemon threads owned by this stream and stopped by {@link #close()}.
 * Not thread-safe: one thread writes.
 */
public final class ParallelGzipOutputStream extends OutputStream {

    /** Input bytes per independently compressed block. */
    public static final int DEFAULT_BLOCK_SIZE = 128 * 1024;

    static final int DICTIONARY_SIZE = 32 * 1024;

    private static final long STOP_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(10);
    private static final AtomicInteger INSTANCES = new AtomicInteger();
    private static final int OS_UNKNOWN = 255;

    private final OutputStream out;
    private final int blockSize;
    private final int maxInFlight;
    private final BlockCompressor compressor;
    private final BlockingQueue<Block> work;
    private final ArrayDeque<Block> inFlight = new ArrayDeque<>();
    private final ArrayDeque<ByteBuffer> freeBuffers = new ArrayDeque<>();
    private final List<Thread> workers;
    private final CRC32 crc = new CRC32();

    private ByteBuffer buffer;
    private ByteBuffer previous;
    private ByteBuffer lastWritten;
    private long inputBytes;
    private long blocks;
    private IOException failure;
    private boolean finished;
    private boolean closed;

    /** gzip level 6 on as many threads as there are processors. */
    public ParallelGzipOutputStream(OutputStream out) throws IOException {
        this(out, 6, Runtime.getRuntime().availableProcessors());
    }

    /**
     * Writes the gzip header to {@code out} and starts the worker threads.
     *
     * @param level   deflate level, 1 (fastest) to 9 (smallest)
     * @param threads worker threads, at least 1
     */
    public ParallelGzipOutputStream(OutputStream out, int level, int threads) throws IOException {
        this(out, level, threads, DEFAULT_BLOCK_SIZE, ParallelGzipOutputStream::deflate);
    }

    ParallelGzipOutputStream(OutputStream out, int level, int threads, int blockSize,
                             BlockCompressor compressor) throws IOException {
        this.out = Objects.requireNonNull(out, "out");
        this.compressor = Objects.requireNonNull(compressor, "compressor");
        if (level < 1 || level > 9) {
            throw new IllegalArgumentException("gzip level must be between 1 and 9, got " + level);
        }
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        }
        if (blockSize < 1) {
            throw new IllegalArgumentException("block size must be positive, got " + blockSize);
        }
        this.blockSize = blockSize;
        this.maxInFlight = 2 * threads + 2;
        this.work = new ArrayBlockingQueue<>(maxInFlight);
        this.buffer = ByteBuffer.allocateDirect(blockSize);

        writeHeader(level);

        int instance = INSTANCES.incrementAndGet();
        List<Thread> started = new ArrayList<>(threads);
        for (int i = 0; i < threads; i++) {
            Thread worker = new Thread(() -> runWorker(level), "gzip-" + instance + "-" + i);
            worker.setDaemon(true);
            started.add(worker);
        }
        this.workers = List.copyOf(started);
        workers.forEach(Thread::start);
    }

    @Override
    public void write(int b) throws IOException {
        ensureWritable();
        if (!buffer.hasRemaining()) {
            submit(false);
        }
        buffer.put((byte) b);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        ensureWritable();
        while (len > 0) {
            if (!buffer.hasRemaining()) {
                submit(false);
            }
            int n = Math.min(len, buffer.remaining());
            buffer.put(b, off, n);
            off += n;
            len -= n;
        }
    }

    /**
     * Writes out the blocks already compressed and flushes the underlying stream. Does not cut the
     * current block short: compression is unchanged by flushing.
     */
    @Override
    public void flush() throws IOException {
        ensureWritable();
        guard(() -> {
            writeCompleted(false);
            out.flush();
        });
    }

    /** Compresses what is left, writes the trailer, waits for all of it to be written; does not close. */
    public void finish() throws IOException {
        ensureOpen();
        if (finished) {
            return;
        }
        ensureWritable();
        submit(true);
        guard(() -> {
            writeCompleted(true);
            writeTrailer();
            out.flush();
        });
        finished = true;
    }

    /** Finishes the member unless an earlier call failed, stops the workers, closes the underlying stream. */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        IOException error = null;
        try {
            if (failure == null && !finished) {
                finish();
            }
        } catch (IOException e) {
            error = e;
        } finally {
            closed = true;
            stopWorkers();
        }
        try {
            out.close();
        } catch (IOException e) {
            if (error == null) {
                error = e;
            } else {
                error.addSuppressed(e);
            }
        }
        if (error != null) {
            throw error;
        }
    }

    /** Input bytes accepted so far. */
    public long inputBytes() {
        return inputBytes + (buffer == null ? 0 : buffer.position());
    }

    /** The worker threads, for checks that they are gone after close. */
    List<Thread> workerThreads() {
        return workers;
    }

    // --- writer side -------------------------------------------------------------------------

    private void submit(boolean last) throws IOException {
        guard(() -> {
            if (Thread.currentThread().isInterrupted()) {
                throw new InterruptedIOException("gzip compression interrupted");
            }
            while (inFlight.size() >= maxInFlight) {
                writeOldest();
            }
            buffer.flip();
            inputBytes += buffer.remaining();
            crc.update(buffer.duplicate());
            Block block = new Block(blocks++, buffer, previous, last);
            inFlight.add(block);
            if (!work.offer(block)) {
                // cannot happen: the queue holds at most the blocks in flight
                throw new IllegalStateException("work queue full");
            }
            previous = buffer;
            buffer = last ? null : takeBuffer();
            writeCompleted(false);
        });
    }

    /** Writes the finished blocks at the head of the queue; with {@code all}, waits for every block. */
    private void writeCompleted(boolean all) throws IOException {
        while (!inFlight.isEmpty() && (all || inFlight.peek().result.isDone())) {
            writeOldest();
        }
    }

    private void writeOldest() throws IOException {
        Block block = inFlight.peek();
        Deflated deflated;
        try {
            deflated = block.result.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("gzip compression interrupted");
        } catch (ExecutionException e) {
            throw new IOException("compressing gzip block " + block.index + " failed", e.getCause());
        }
        inFlight.poll();
        // the block before this one was its dictionary, and is written too: its buffer is free again
        if (lastWritten != null) {
            freeBuffers.push(lastWritten.clear());
        }
        lastWritten = block.input;
        out.write(deflated.bytes());
    }

    private ByteBuffer takeBuffer() {
        ByteBuffer free = freeBuffers.poll();
        return free != null ? free : ByteBuffer.allocateDirect(blockSize);
    }

    private void writeHeader(int level) throws IOException {
        int extraFlags = level == 9 ? 2 : level == 1 ? 4 : 0;
        out.write(new byte[] {
            0x1f, (byte) 0x8b, Deflater.DEFLATED, 0, // magic, method, no flags
            0, 0, 0, 0, // no modification time
            (byte) extraFlags, (byte) OS_UNKNOWN});
    }

    private void writeTrailer() throws IOException {
        byte[] trailer = new byte[8];
        putIntLe(trailer, 0, crc.getValue());
        putIntLe(trailer, 4, inputBytes); // ISIZE is the length modulo 2^32
        out.write(trailer);
    }

    private static void putIntLe(byte[] b, int at, long value) {
        for (int i = 0; i < 4; i++) {
            b[at + i] = (byte) (value >>> (8 * i));
        }
    }

    private void ensureOpen() throws IOException {
        if (closed) {
            throw new IOException("stream closed");
        }
    }

    private void ensureWritable() throws IOException {
        ensureOpen();
        if (failure != null) {
            throw new IOException("gzip stream failed earlier", failure);
        }
        if (finished) {
            throw new IOException("gzip stream already finished");
        }
    }

    /** Runs a writer-side step; any failure leaves the stream unusable. */
    private void guard(IoStep step) throws IOException {
        try {
            step.run();
        } catch (IOException e) {
            failure = e;
            throw e;
        } catch (RuntimeException | Error e) {
            failure = new IOException(e);
            throw e;
        }
    }

    private void stopWorkers() {
        boolean interrupted = Thread.interrupted();
        workers.forEach(Thread::interrupt);
        long deadline = System.nanoTime() + STOP_TIMEOUT_NANOS;
        for (Thread worker : workers) {
            long left;
            while (worker.isAlive() && (left = deadline - System.nanoTime()) > 0) {
                try {
                    worker.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    // --- worker side -------------------------------------------------------------------------

    private void runWorker(int level) {
        Deflater deflater = new Deflater(level, true);
        ByteBuffer output = ByteBuffer.allocateDirect(outputCapacity(blockSize));
        try {
            while (true) {
                Block block = work.take();
                try {
                    block.result.complete(compressor.compress(deflater, block, output));
                } catch (Throwable t) {
                    block.result.completeExceptionally(t);
                    deflater.end();
                    deflater = new Deflater(level, true);
                }
            }
        } catch (InterruptedException e) {
            // close() stops the workers
        } finally {
            deflater.end();
        }
    }

    /**
     * Deflates one block as a piece of a raw deflate stream (see the class comment) into
     * {@code output}, a reusable direct buffer, and returns a copy of the result.
     */
    static Deflated deflate(Deflater deflater, Block block, ByteBuffer output) {
        deflater.reset();
        if (block.dictionary != null) {
            ByteBuffer dictionary = block.dictionary.duplicate();
            dictionary.position(Math.max(0, dictionary.limit() - DICTIONARY_SIZE));
            deflater.setDictionary(dictionary);
        }
        deflater.setInput(block.input.duplicate());
        output.clear();
        if (block.last) {
            deflater.finish();
            while (!deflater.finished()) {
                output = ensureRoom(output);
                deflater.deflate(output);
            }
        } else {
            // a sync flush is complete once it returns with room to spare
            do {
                output = ensureRoom(output);
                deflater.deflate(output, Deflater.SYNC_FLUSH);
            } while (!output.hasRemaining());
        }
        output.flip();
        byte[] bytes = new byte[output.remaining()];
        output.get(bytes);
        return new Deflated(bytes);
    }

    /** Room for a block of incompressible input: stored blocks add 5 bytes per 64 KiB, the flush 5. */
    private static int outputCapacity(int blockSize) {
        return blockSize + (blockSize >> 10) + 64;
    }

    /** A buffer with room left: {@code output} itself, or a bigger copy (never needed in practice). */
    private static ByteBuffer ensureRoom(ByteBuffer output) {
        if (output.hasRemaining()) {
            return output;
        }
        ByteBuffer bigger = ByteBuffer.allocateDirect(output.capacity() * 2);
        return bigger.put(output.flip());
    }

    /** Compresses one block with the worker's deflater; replaceable in tests. */
    @FunctionalInterface
    interface BlockCompressor {
        Deflated compress(Deflater deflater, Block block, ByteBuffer output);
    }

    @FunctionalInterface
    private interface IoStep {
        void run() throws IOException;
    }

    /**
     * A block of input, between position and limit of a direct buffer that nobody writes to until the
     * block after it is written out, since that block reads this one as its dictionary.
     */
    static final class Block {
        final long index;
        final ByteBuffer input;
        final ByteBuffer dictionary;
        final boolean last;
        final CompletableFuture<Deflated> result = new CompletableFuture<>();

        Block(long index, ByteBuffer input, ByteBuffer dictionary, boolean last) {
            this.index = index;
            this.input = input;
            this.dictionary = dictionary;
            this.last = last;
        }
    }

    record Deflated(byte[] bytes) {
    }
}
