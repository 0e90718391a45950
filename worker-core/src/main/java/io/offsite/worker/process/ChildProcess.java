package io.offsite.worker.process;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A child process (a dump or restore tool) that does not outlive the run that started it.
 *
 * <p>A thread blocked reading a process's pipe ignores interrupts, so a run stopped at its deadline would go on
 * waiting for a tool that waits for a lock. A watcher follows the thread that started the process: once that thread is
 * interrupted, it stops the process tree, which closes the pipe; the read then ends and {@link #stdout()} throws
 * {@link InterruptedIOException}. {@link #waitFor()} stops the tree when interrupted as well, and {@link #close()}
 * stops whatever still runs. Stopping sends every process of the tree (the process and its descendants, taken before
 * the process ends, since orphans are no longer its descendants) a termination signal, lets them end within the grace
 * (a PostgreSQL tool cancels its server-side query on it), kills what is left, and waits until all are gone.
 */
public final class ChildProcess implements AutoCloseable {

    /** How often the watcher looks at the owning thread. */
    static final Duration WATCH_INTERVAL = Duration.ofMillis(100);
    /** How long processes may take to disappear once killed (a process stuck in the kernel takes longer). */
    private static final Duration KILL_WAIT = Duration.ofSeconds(10);

    private final Process process;
    private final Thread owner;
    private final Duration termGrace;
    private final Thread watcher;
    private final Set<ProcessHandle> tree = new LinkedHashSet<>();
    private volatile boolean interrupted;
    private boolean stopped;

    private ChildProcess(Process process, Thread owner, Duration termGrace, String name) {
        this.process = process;
        this.owner = owner;
        this.termGrace = termGrace;
        this.watcher = new Thread(this::watch, "process-watch-" + name + "-" + process.pid());
        this.watcher.setDaemon(true);
        this.watcher.start();
    }

    /**
     * Starts {@code builder}'s command, watched on behalf of the calling thread.
     *
     * @param termGrace how long the processes may take to end after the termination signal before they are killed
     */
    public static ChildProcess start(ProcessBuilder builder, Duration termGrace) throws IOException {
        Process process = builder.start();
        String command = builder.command().get(0);
        return new ChildProcess(process, Thread.currentThread(), termGrace, command.substring(command.lastIndexOf('/') + 1));
    }

    public Process process() {
        return process;
    }

    public long pid() {
        return process.pid();
    }

    /**
     * The process's standard output. Once the owning thread was interrupted (and the process stopped), a read that
     * ends throws {@link InterruptedIOException} instead of reporting the end of the stream.
     */
    public InputStream stdout() {
        return new FilterInputStream(process.getInputStream()) {
            @Override
            public int read() throws IOException {
                int b = super.read();
                checkInterrupted();
                return b;
            }

            @Override
            public int read(byte[] buffer, int offset, int length) throws IOException {
                int n = super.read(buffer, offset, length);
                checkInterrupted();
                return n;
            }
        };
    }

    private void checkInterrupted() throws InterruptedIOException {
        if (interrupted || owner.isInterrupted()) {
            throw new InterruptedIOException("the run was stopped; " + process.info().command().orElse("the process") + " was ended");
        }
    }

    /** Whether the process was stopped because the owning thread was interrupted. */
    public boolean stoppedOnInterrupt() {
        return interrupted;
    }

    /** Waits for the process to end; when interrupted, stops the process tree first, then throws. */
    public int waitFor() throws InterruptedException {
        try {
            return process.waitFor();
        } catch (InterruptedException e) {
            interrupted = true;
            stop();
            throw e;
        }
    }

    /**
     * Waits at most {@code timeout} for the process to end: true when it did. When interrupted, stops the process tree
     * first, then throws. A process still running afterwards is left to the caller (to {@link #stop()} or {@link #close()}).
     */
    public boolean waitFor(Duration timeout) throws InterruptedException {
        try {
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            interrupted = true;
            stop();
            throw e;
        }
    }

    /**
     * Ends the process and its descendants and waits until they are gone, whether or not the calling thread is
     * interrupted (its interrupt status is kept).
     */
    public synchronized void stop() {
        if (stopped) {
            return;
        }
        stopped = true;
        snapshotTree();
        tree.forEach(ProcessHandle::destroy);
        if (!awaitGone(termGrace)) {
            snapshotTree();
            tree.forEach(ProcessHandle::destroyForcibly);
            awaitGone(KILL_WAIT);
        }
    }

    /** The processes of the tree that are still alive (empty once stopped or ended with every descendant). */
    public List<ProcessHandle> alive() {
        List<ProcessHandle> alive = new ArrayList<>();
        synchronized (this) {
            if (process.isAlive()) {
                alive.add(process.toHandle());
            }
            process.descendants().forEach(alive::add);
            tree.stream().filter(ProcessHandle::isAlive).filter(h -> !alive.contains(h)).forEach(alive::add);
        }
        return alive;
    }

    /** Stops what still runs of the tree (nothing when the process ended by itself with its descendants) and the watcher. */
    @Override
    public void close() {
        if (!alive().isEmpty()) {
            stop();
        }
        watcher.interrupt();
        boolean wasInterrupted = Thread.interrupted();
        try {
            watcher.join(KILL_WAIT.toMillis());
        } catch (InterruptedException e) {
            wasInterrupted = true;
        } finally {
            if (wasInterrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void snapshotTree() {
        if (process.isAlive()) {
            tree.add(process.toHandle());
        }
        process.descendants().forEach(tree::add);
    }

    /** Waits until every process of the tree ended, false on timeout; an interrupt meanwhile is kept for later. */
    private boolean awaitGone(Duration timeout) {
        long end = System.nanoTime() + timeout.toNanos();
        boolean interruptedMeanwhile = false;
        try {
            for (ProcessHandle handle : tree) {
                while (true) {
                    try {
                        handle.onExit().get(Math.max(0, end - System.nanoTime()), TimeUnit.NANOSECONDS);
                        break;
                    } catch (InterruptedException e) {
                        interruptedMeanwhile = true;
                    } catch (TimeoutException e) {
                        return false;
                    } catch (ExecutionException e) {
                        break; // onExit does not fail; the process is gone
                    }
                }
            }
            return true;
        } finally {
            if (interruptedMeanwhile) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Stops the tree once the owner is interrupted; ends with the process (or when closed). */
    private void watch() {
        try {
            while (!process.waitFor(WATCH_INTERVAL.toMillis(), TimeUnit.MILLISECONDS)) {
                if (owner.isInterrupted() || !owner.isAlive()) {
                    interrupted = owner.isInterrupted() || interrupted;
                    stop();
                    return;
                }
            }
        } catch (InterruptedException e) {
            // closed
        }
    }
}
