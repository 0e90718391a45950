package io.offsite.backup.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class PipelinedOutputStreamTest {

    private static final AtomicInteger NAMES = new AtomicInteger();

    @Test
    void everyByteArrivesInOrderAndTheDownstreamIsClosedOnceOnTheStagesThread() throws Exception {
        Recording downstream = new Recording();
        byte[] data = new byte[5 * PipelinedOutputStream.BUFFER_SIZE + 12345];
        new Random(7).nextBytes(data);
        String name = threadName();
        try (PipelinedOutputStream out = new PipelinedOutputStream(downstream, name)) {
            Random sizes = new Random(11);
            int off = 0;
            while (off < data.length) {
                int n = Math.min(data.length - off, sizes.nextInt(3) == 0 ? 1 : sizes.nextInt(700_000));
                if (n == 1) {
                    out.write(data[off]);
                } else {
                    out.write(data, off, n);
                }
                off += n;
                if (sizes.nextInt(10) == 0) {
                    out.flush();
                }
            }
        }
        assertThat(downstream.bytes.toByteArray()).isEqualTo(data);
        assertThat(downstream.closes.get()).isEqualTo(1);
        assertThat(downstream.writerThreads).containsOnly(name);
        assertThat(alive(name)).isFalse();
    }

    @Test
    void anEmptyStreamStillClosesTheDownstream() throws Exception {
        Recording downstream = new Recording();
        new PipelinedOutputStream(downstream, threadName()).close();
        assertThat(downstream.closes.get()).isEqualTo(1);
        assertThat(downstream.bytes.size()).isZero();
    }

    @Test
    void aDownstreamFailureReachesTheWriterAsItselfAndTheDownstreamIsNotClosed() throws Exception {
        IOException boom = new IOException("disk full");
        Recording downstream = new Recording();
        downstream.failAfter = 3 * PipelinedOutputStream.BUFFER_SIZE;
        downstream.failure = boom;
        String name = threadName();
        PipelinedOutputStream out = new PipelinedOutputStream(downstream, name);
        byte[] chunk = new byte[64 * 1024];
        assertThatThrownBy(() -> {
            for (int i = 0; i < 1000; i++) {
                out.write(chunk);
            }
        }).isSameAs(boom);
        assertThatThrownBy(() -> out.write(chunk)).isSameAs(boom);
        assertThatThrownBy(out::close).isSameAs(boom);
        out.close(); // a second close is a no-op
        assertThat(downstream.closes.get()).isZero();
        assertThat(alive(name)).isFalse();
    }

    @Test
    void aRuntimeFailureKeepsItsTypeForTheJobsClassification() throws Exception {
        UncheckedIOException storeDown = new UncheckedIOException(new IOException("store unreachable"));
        Recording downstream = new Recording();
        downstream.failAfter = 0;
        downstream.failure = storeDown;
        PipelinedOutputStream out = new PipelinedOutputStream(downstream, threadName());
        out.write(new byte[PipelinedOutputStream.BUFFER_SIZE + 1]);
        assertThatThrownBy(out::close).isSameAs(storeDown);
    }

    @Test
    void anInterruptedWriterStopsWithTheInterruptKeptAndAbortStopsTheStage() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        Recording downstream = new Recording();
        downstream.blockUntil = release;
        String name = threadName();
        PipelinedOutputStream out = new PipelinedOutputStream(downstream, name);
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        AtomicReference<Boolean> interruptKept = new AtomicReference<>();
        Thread writer = new Thread(() -> {
            try {
                for (int i = 0; i < 100; i++) { // more than the buffers hold: the writer has to wait for the stage
                    out.write(new byte[PipelinedOutputStream.BUFFER_SIZE]);
                }
            } catch (Throwable e) {
                thrown.set(e);
                interruptKept.set(Thread.currentThread().isInterrupted());
            }
        });
        writer.start();
        TimeUnit.MILLISECONDS.sleep(300);
        writer.interrupt();
        writer.join(5_000);
        assertThat(writer.isAlive()).isFalse();
        assertThat(thrown.get()).isInstanceOf(InterruptedIOException.class);
        assertThat(interruptKept.get()).isTrue();

        out.abort();
        release.countDown();
        assertThat(alive(name)).isFalse();
        assertThatThrownBy(() -> out.write(1)).isInstanceOf(IOException.class);
        assertThat(downstream.closes.get()).isZero();
    }

    private static String threadName() {
        return "pipelined-test-" + NAMES.incrementAndGet();
    }

    /** Whether a thread of that name is still running, giving a stopping one a moment. */
    private static boolean alive(String name) throws InterruptedException {
        for (int i = 0; i < 50; i++) {
            if (Thread.getAllStackTraces().keySet().stream().noneMatch(t -> t.getName().equals(name))) {
                return false;
            }
            TimeUnit.MILLISECONDS.sleep(100);
        }
        return true;
    }

    private static final class Recording extends OutputStream {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        final AtomicInteger closes = new AtomicInteger();
        final Set<String> writerThreads = ConcurrentHashMap.newKeySet();
        long failAfter = -1;
        Exception failure;
        CountDownLatch blockUntil;

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            writerThreads.add(Thread.currentThread().getName());
            if (blockUntil != null) {
                try {
                    blockUntil.await();
                } catch (InterruptedException e) {
                    throw new InterruptedIOException();
                }
            }
            if (failAfter >= 0 && bytes.size() + len > failAfter) {
                if (failure instanceof IOException io) {
                    throw io;
                }
                throw (RuntimeException) failure;
            }
            bytes.write(b, off, len);
        }

        @Override
        public void close() {
            writerThreads.add(Thread.currentThread().getName());
            closes.incrementAndGet();
        }
    }
}
