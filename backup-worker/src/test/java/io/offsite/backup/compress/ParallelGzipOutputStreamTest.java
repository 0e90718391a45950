package io.offsite.backup.compress;

import static io.offsite.backup.compress.ParallelGzipOutputStream.DEFAULT_BLOCK_SIZE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.offsite.backup.compress.ParallelGzipOutputStream.BlockCompressor;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import java.util.zip.Deflater;
import java.util.zip.GZIPInputStream;
import java.util.zip.Inflater;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ParallelGzipOutputStreamTest {

    @TempDir
    Path dir;

    static Stream<Arguments> inputs() {
        int[] sizes = {0, 1, DEFAULT_BLOCK_SIZE - 1, DEFAULT_BLOCK_SIZE, DEFAULT_BLOCK_SIZE + 1,
            3 * DEFAULT_BLOCK_SIZE + 12_345, 5 * 1024 * 1024 + 7};
        return Stream.of("random", "compressible").flatMap(kind -> Arrays.stream(sizes)
                .mapToObj(size -> Arguments.of(kind, size)));
    }

    @ParameterizedTest(name = "{0} {1} bytes")
    @MethodSource("inputs")
    void gunzipAndGzipInputStreamRestoreTheExactBytes(String kind, int size) throws Exception {
        byte[] input = kind.equals("random") ? SampleData.random(size, size) : SampleData.compressible(size, size);

        byte[] gz = gzip(input, 6, 3);

        assertThat(gunzipInJava(gz)).isEqualTo(input);
        assertThat(gunzipCli(gz)).isEqualTo(input);
        if (kind.equals("compressible") && size > DEFAULT_BLOCK_SIZE) {
            assertThat(gz.length).isLessThan(size / 4);
        }
    }

    @Test
    void manySmallBlocksEachPrimedWithThePreviousOne() throws Exception {
        byte[] input = SampleData.compressible(2 * 1024 * 1024, 7);

        byte[] primed = gzip(input, 4096, ParallelGzipOutputStream::deflate);
        byte[] unprimed = gzip(input, 4096, (deflater, block, output) -> ParallelGzipOutputStream.deflate(deflater,
                new ParallelGzipOutputStream.Block(block.index, block.input, null, block.last), output));

        assertThat(gunzipInJava(primed)).isEqualTo(input);
        assertThat(gunzipCli(primed)).isEqualTo(input);
        assertThat(gunzipCli(unprimed)).isEqualTo(input);
        // matches reaching back into the previous block make the output markedly smaller
        assertThat(primed.length).isLessThan(unprimed.length * 85 / 100);
    }

    private static byte[] gzip(byte[] input, int blockSize, BlockCompressor compressor) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (var gzip = new ParallelGzipOutputStream(out, 6, 4, blockSize, compressor)) {
            writeInOddChunks(gzip, input);
        }
        return out.toByteArray();
    }

    @Test
    void aBlockLargerThanItsOutputBufferStillDeflatesCompletely() throws Exception {
        byte[] input = SampleData.random(10_000, 6);
        var buffer = ByteBuffer.allocateDirect(input.length).put(input).flip();
        var deflater = new Deflater(6, true);
        var inflater = new Inflater(true);
        try {
            var flushed = ParallelGzipOutputStream.deflate(deflater,
                    new ParallelGzipOutputStream.Block(0, buffer, null, false), ByteBuffer.allocateDirect(16));
            var finished = ParallelGzipOutputStream.deflate(deflater,
                    new ParallelGzipOutputStream.Block(1, buffer, buffer, true), ByteBuffer.allocateDirect(16));

            var stream = new ByteArrayOutputStream();
            stream.write(flushed.bytes());
            stream.write(finished.bytes());
            inflater.setInput(stream.toByteArray());
            byte[] restored = new byte[2 * input.length + 1];
            int n = inflater.inflate(restored);
            assertThat(inflater.finished()).isTrue();
            assertThat(Arrays.copyOf(restored, n)).isEqualTo(concat(input, input));
        } finally {
            deflater.end();
            inflater.end();
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] both = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
    }

    @Test
    void singleByteWritesGiveTheSameOutputAsArrayWrites() throws Exception {
        byte[] input = SampleData.compressible(DEFAULT_BLOCK_SIZE + 100, 3);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (var gzip = new ParallelGzipOutputStream(out, 6, 2)) {
            for (byte b : input) {
                gzip.write(b);
            }
        }
        assertThat(out.toByteArray()).isEqualTo(gzip(input, 6, 2));
    }

    @Test
    void outputDoesNotDependOnTheThreadCount() throws Exception {
        byte[] input = SampleData.compressible(3 * 1024 * 1024, 11);

        byte[] oneThread = gzip(input, 6, 1);

        assertThat(gzip(input, 6, 2)).isEqualTo(oneThread);
        assertThat(gzip(input, 6, 5)).isEqualTo(oneThread);
    }

    @Test
    void theLevelChangesTheOutput() throws Exception {
        byte[] input = SampleData.compressible(2 * 1024 * 1024, 5);

        byte[] fastest = gzip(input, 1, 2);
        byte[] smallest = gzip(input, 9, 2);

        assertThat(smallest.length).isLessThan(fastest.length);
        assertThat(fastest[8]).as("XFL fastest").isEqualTo((byte) 4);
        assertThat(smallest[8]).as("XFL best").isEqualTo((byte) 2);
        assertThat(gunzipCli(fastest)).isEqualTo(input);
        assertThat(gunzipCli(smallest)).isEqualTo(input);
    }

    @Test
    void rejectsBadArguments() {
        var out = new ByteArrayOutputStream();
        assertThatThrownBy(() -> new ParallelGzipOutputStream(out, 0, 2)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ParallelGzipOutputStream(out, 10, 2)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ParallelGzipOutputStream(out, 6, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThat(out.size()).isZero();
    }

    @Test
    void closeIsIdempotentAndWritesAfterCloseFail() throws Exception {
        var out = new ByteArrayOutputStream();
        var gzip = new ParallelGzipOutputStream(out, 6, 2);
        gzip.write(new byte[] {1, 2, 3});
        gzip.close();
        int size = out.size();
        gzip.close();

        assertThat(out.size()).isEqualTo(size);
        assertThatThrownBy(() -> gzip.write(4)).isInstanceOf(IOException.class);
        assertThat(gunzipInJava(out.toByteArray())).containsExactly(1, 2, 3);
        assertNoWorkerAlive(gzip);
    }

    @Test
    void aWorkerFailureSurfacesToTheWriter() throws Exception {
        BlockCompressor failsOnThirdBlock = (deflater, block, output) -> {
            if (block.index == 2) {
                throw new IllegalStateException("deflate exploded");
            }
            return ParallelGzipOutputStream.deflate(deflater, block, output);
        };
        var out = new ByteArrayOutputStream();
        var gzip = new ParallelGzipOutputStream(out, 6, 2, 1024, failsOnThirdBlock);

        assertThatThrownBy(() -> {
            try (gzip) {
                gzip.write(SampleData.random(64 * 1024, 1));
            }
        }).isInstanceOf(IOException.class)
                .rootCause().isInstanceOf(IllegalStateException.class).hasMessage("deflate exploded");

        assertNoWorkerAlive(gzip);
        assertThatThrownBy(() -> gunzipInJava(out.toByteArray())).isInstanceOf(IOException.class);
    }

    @Test
    void aFailingUnderlyingStreamSurfacesAndTheStreamIsClosed() throws Exception {
        var closed = new CountDownLatch(1);
        OutputStream broken = new OutputStream() {
            private int written;

            @Override
            public void write(int b) throws IOException {
                if (++written > 100) {
                    throw new IOException("disk full");
                }
            }

            @Override
            public void close() {
                closed.countDown();
            }
        };
        var gzip = new ParallelGzipOutputStream(broken, 6, 2);

        assertThatThrownBy(() -> {
            try (gzip) {
                gzip.write(SampleData.random(4 * DEFAULT_BLOCK_SIZE, 2));
            }
        }).isInstanceOf(IOException.class).hasMessage("disk full");
        assertThat(closed.getCount()).isZero();
        assertNoWorkerAlive(gzip);
    }

    @Test
    void interruptingTheWriterStopsItPromptly() throws Exception {
        var gzip = new ParallelGzipOutputStream(OutputStream.nullOutputStream(), 6, 2);
        var error = new AtomicReference<Throwable>();
        var started = new CountDownLatch(1);
        Thread writer = new Thread(() -> {
            byte[] chunk = SampleData.random(1024 * 1024, 3);
            try (gzip) {
                started.countDown();
                while (true) {
                    gzip.write(chunk);
                }
            } catch (Throwable t) {
                error.set(t);
            }
        }, "test-writer");
        writer.start();
        started.await();
        Thread.sleep(200);

        writer.interrupt();
        writer.join(Duration.ofSeconds(5).toMillis());

        assertThat(writer.isAlive()).isFalse();
        assertThat(error.get()).isInstanceOf(InterruptedIOException.class);
        assertNoWorkerAlive(gzip);
    }

    @Test
    void writerBlockedOnStalledWorkersIsBoundedAndInterruptible() throws Exception {
        var release = new CountDownLatch(1);
        BlockCompressor stalled = (deflater, block, output) -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("stopped", e);
            }
            return ParallelGzipOutputStream.deflate(deflater, block, output);
        };
        int blockSize = 4096;
        int threads = 2;
        var gzip = new ParallelGzipOutputStream(OutputStream.nullOutputStream(), 6, threads, blockSize, stalled);
        var error = new AtomicReference<Throwable>();
        Thread writer = new Thread(() -> {
            try (gzip) {
                gzip.write(new byte[100 * blockSize]);
            } catch (Throwable t) {
                error.set(t);
            }
        }, "test-writer");
        writer.start();
        awaitWaiting(writer);

        // back-pressure: no more than the blocks in flight plus the one being filled were taken in
        assertThat(gzip.inputBytes()).isLessThanOrEqualTo((long) (2 * threads + 2 + 1) * blockSize);

        writer.interrupt();
        writer.join(5_000);
        assertThat(writer.isAlive()).isFalse();
        assertThat(error.get()).isInstanceOf(InterruptedIOException.class);
        assertNoWorkerAlive(gzip);
    }

    @Test
    void stalledWorkersResumeAndTheOutputIsComplete() throws Exception {
        var release = new CountDownLatch(1);
        BlockCompressor slow = (deflater, block, output) -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            return ParallelGzipOutputStream.deflate(deflater, block, output);
        };
        byte[] input = SampleData.compressible(100 * 4096, 9);
        var out = new ByteArrayOutputStream();
        var gzip = new ParallelGzipOutputStream(out, 6, 2, 4096, slow);
        CompletableFuture<Void> writing = CompletableFuture.runAsync(() -> {
            try (gzip) {
                gzip.write(input);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        Thread.sleep(100);
        assertThat(writing).isNotDone();

        release.countDown();
        writing.get(10, TimeUnit.SECONDS);

        assertThat(gunzipInJava(out.toByteArray())).isEqualTo(input);
        assertNoWorkerAlive(gzip);
    }

    // --- helpers ---------------------------------------------------------------------------

    static byte[] gzip(byte[] input, int level, int threads) throws IOException {
        var out = new ByteArrayOutputStream();
        try (var gzip = new ParallelGzipOutputStream(out, level, threads)) {
            writeInOddChunks(gzip, input);
        }
        return out.toByteArray();
    }

    private static void writeInOddChunks(OutputStream out, byte[] input) throws IOException {
        int chunk = 7919;
        for (int off = 0; off < input.length; off += chunk) {
            out.write(input, off, Math.min(chunk, input.length - off));
        }
    }

    static byte[] gunzipInJava(byte[] gz) throws IOException {
        try (var in = new GZIPInputStream(new ByteArrayInputStream(gz))) {
            return in.readAllBytes();
        }
    }

    private byte[] gunzipCli(byte[] gz) throws Exception {
        Path file = Files.write(Files.createTempFile(dir, "input", ".gz"), gz);
        try {
            return Cli.run(dir, file, "gunzip", "-c");
        } finally {
            Files.delete(file);
        }
    }

    private static void awaitWaiting(Thread thread) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (thread.getState() != Thread.State.WAITING && thread.getState() != Thread.State.TIMED_WAITING) {
            assertThat(System.nanoTime()).as("%s never waited", thread.getName()).isLessThan(deadline);
            Thread.sleep(10);
        }
    }

    static void assertNoWorkerAlive(ParallelGzipOutputStream gzip) {
        assertThat(gzip.workerThreads()).isNotEmpty().noneMatch(Thread::isAlive);
    }
}
