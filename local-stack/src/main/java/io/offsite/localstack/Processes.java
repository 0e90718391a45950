package io.offsite.localstack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/** Processes of the embedded infrastructure that are not children of this JVM. */
public final class Processes {

    private static final Duration POLL = Duration.ofMillis(50);

    private Processes() {
    }

    /**
     * Whether the process runs. Unlike {@link ProcessHandle#isAlive()} a process that ended but was not yet reaped by
     * its parent (a zombie: for a daemon, the system's init) counts as ended: it holds no port, file or memory.
     */
    public static boolean isRunning(long pid) {
        Optional<ProcessHandle> handle = ProcessHandle.of(pid);
        if (handle.isEmpty() || !handle.get().isAlive()) {
            return false;
        }
        try {
            String stat = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"));
            // pid (command) state ...: the command may hold spaces and parentheses, the state follows the last ')'
            String rest = stat.substring(stat.lastIndexOf(')') + 1).trim();
            return !(rest.startsWith("Z") || rest.startsWith("X"));
        } catch (IOException | RuntimeException e) {
            return handle.get().isAlive();
        }
    }

    /** Waits until the process no longer runs; false if it still does after {@code timeout}. */
    public static boolean awaitEnd(long pid, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (isRunning(pid)) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            try {
                Thread.sleep(POLL.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for process " + pid + " to end", e);
            }
        }
        return true;
    }
}
