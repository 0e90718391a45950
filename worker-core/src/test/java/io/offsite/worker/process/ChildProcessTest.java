package io.offsite.worker.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Real processes (a shell and its children) stopped with the thread that started them. */
@Timeout(60)
class ChildProcessTest {

    /** A shell that starts a child in the background and waits in another, writing nothing. */
    static ProcessBuilder silentTree(String prelude) {
        return new ProcessBuilder("sh", "-c", prelude + "sleep 300 & sleep 300; wait");
    }

    static List<ProcessHandle> treeOf(ChildProcess process) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (process.process().descendants().count() < 2 && System.nanoTime() < end) {
            Thread.sleep(20);
        }
        List<ProcessHandle> tree = new java.util.ArrayList<>(process.process().descendants().toList());
        tree.add(process.process().toHandle());
        assertThat(tree).as("the shell and both children run").hasSize(3);
        return tree;
    }

    @Test
    void aBlockedReadEndsWhenItsThreadIsInterruptedAndNoProcessOfTheTreeIsLeft() throws Exception {
        CompletableFuture<List<ProcessHandle>> tree = new CompletableFuture<>();
        CompletableFuture<Throwable> readEnded = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try (ChildProcess process = ChildProcess.start(silentTree(""), Duration.ofSeconds(5))) {
                tree.complete(treeOf(process));
                try (InputStream out = process.stdout()) {
                    out.read(new byte[100]);
                    readEnded.complete(null);
                }
            } catch (Throwable e) {
                readEnded.complete(e);
            }
        });
        reader.start();
        List<ProcessHandle> started = tree.get(10, TimeUnit.SECONDS);

        long interruptedAt = System.nanoTime();
        reader.interrupt();
        Throwable ended = readEnded.get(10, TimeUnit.SECONDS);
        reader.join(10_000);

        assertThat(ended).isInstanceOf(InterruptedIOException.class);
        assertThat(Duration.ofNanos(System.nanoTime() - interruptedAt)).isLessThan(Duration.ofSeconds(3));
        assertThat(reader.isAlive()).isFalse();
        assertThat(started).noneMatch(ProcessHandle::isAlive);
    }

    @Test
    void processesIgnoringTheTerminationSignalAreKilledAfterTheGrace() throws Exception {
        ChildProcess process = ChildProcess.start(silentTree("trap '' TERM; "), Duration.ofMillis(500));
        List<ProcessHandle> tree = treeOf(process);

        long started = System.nanoTime();
        process.close();

        assertThat(tree).noneMatch(ProcessHandle::isAlive);
        assertThat(process.alive()).isEmpty();
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isBetween(Duration.ofMillis(400), Duration.ofSeconds(5));
    }

    @Test
    void anInterruptedWaitStopsTheTreeAndKeepsTheInterrupt() throws Exception {
        CompletableFuture<List<ProcessHandle>> tree = new CompletableFuture<>();
        CompletableFuture<Throwable> waitEnded = new CompletableFuture<>();
        Thread waiter = new Thread(() -> {
            try {
                ChildProcess process = ChildProcess.start(silentTree(""), Duration.ofSeconds(5));
                tree.complete(treeOf(process));
                process.waitFor();
                waitEnded.complete(null);
            } catch (Throwable e) {
                waitEnded.complete(e);
            }
        });
        waiter.start();
        List<ProcessHandle> started = tree.get(10, TimeUnit.SECONDS);

        waiter.interrupt();

        assertThat(waitEnded.get(10, TimeUnit.SECONDS)).isInstanceOf(InterruptedException.class);
        assertThat(started).noneMatch(ProcessHandle::isAlive);
    }

    @Test
    void aProcessThatEndsByItselfIsReadToItsEnd() throws Exception {
        try (ChildProcess process = ChildProcess.start(new ProcessBuilder("sh", "-c", "printf hello; exit 3"), Duration.ofSeconds(5))) {
            assertThat(new String(process.stdout().readAllBytes())).isEqualTo("hello");
            assertThat(process.waitFor()).isEqualTo(3);
            assertThat(process.stoppedOnInterrupt()).isFalse();
        }
        assertThatThrownBy(() -> ChildProcess.start(new ProcessBuilder("/nonexistent/tool"), Duration.ofSeconds(1)))
                .isInstanceOf(java.io.IOException.class);
    }
}
