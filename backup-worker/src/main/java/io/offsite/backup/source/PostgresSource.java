package io.offsite.backup.source;

import io.offsite.worker.job.JobFailedException;
import io.offsite.worker.process.ChildEnvironment;
import io.offsite.worker.process.ChildProcess;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One database of a PostgreSQL server, dumped with {@code pg_dump} (custom format or plain SQL) and streamed
 * from the process: nothing is written to disk. The password goes to the process environment
 * ({@code PGPASSWORD}), never to its command line or to logs; pg_dump gets only the minimal environment of
 * {@link ChildEnvironment}, none of this process's secrets.
 *
 * <p>{@code pg_dump} waits at most the lock wait timeout ({@code --lock-wait-timeout}, never longer than the run has
 * left) for the shared locks it takes on every table at the start; a table locked exclusively by another session fails
 * the backup with {@code LOCK_TIMEOUT}. A run stopped meanwhile (deadline, shutdown) ends {@code pg_dump} and anything
 * it started before the run returns ({@link ChildProcess}): the termination signal makes it cancel its query on the
 * server, so neither the process nor its session outlives the run.
 */
public final class PostgresSource implements SnapshotSource {

    /** Dump formats: {@code custom} ({@code -Fc}, for {@code pg_restore}) and {@code plain} SQL ({@code -Fp}, for {@code psql}). */
    public enum Format { CUSTOM, PLAIN }

    /** Connection settings; {@link #toString()} leaves the password out. */
    public record Connection(String host, int port, String user, String password) {
        @Override
        public String toString() {
            return user + "@" + host + ":" + port;
        }
    }

    /** How long {@code pg_dump} waits for a table lock by default. */
    public static final Duration DEFAULT_LOCK_WAIT_TIMEOUT = Duration.ofMinutes(2);
    /** How long {@code pg_dump} may take to end (and cancel its query) after the termination signal before it is killed. */
    static final Duration TERMINATION_GRACE = Duration.ofSeconds(5);

    private final String sourceName;
    private final Connection connection;
    private final List<String> databases;
    private final Format format;
    private final String pgDump;
    private final String database;
    private final boolean split;
    private final Duration lockWaitTimeout;

    public PostgresSource(String sourceName, Connection connection, List<String> databases, Format format, String pgDump) {
        this(sourceName, connection, databases, format, pgDump, DEFAULT_LOCK_WAIT_TIMEOUT);
    }

    /** @param lockWaitTimeout how long {@code pg_dump} waits for a table lock (capped by what the run has left) */
    public PostgresSource(String sourceName, Connection connection, List<String> databases, Format format, String pgDump,
                          Duration lockWaitTimeout) {
        this(sourceName, connection, databases, format, pgDump, databases.size() == 1 ? databases.get(0) : null, false, lockWaitTimeout);
    }

    private PostgresSource(String sourceName, Connection connection, List<String> databases, Format format, String pgDump,
                           String database, boolean split, Duration lockWaitTimeout) {
        if (databases.isEmpty()) {
            throw new IllegalArgumentException("PostgreSQL source '" + sourceName + "' lists no databases");
        }
        if (lockWaitTimeout == null || lockWaitTimeout.isNegative() || lockWaitTimeout.isZero()) {
            throw new IllegalArgumentException("the lock wait timeout of PostgreSQL source '" + sourceName + "' must be positive");
        }
        this.lockWaitTimeout = lockWaitTimeout;
        this.sourceName = sourceName;
        this.connection = connection;
        this.databases = List.copyOf(databases);
        this.format = format;
        this.pgDump = pgDump;
        this.database = database;
        this.split = split;
    }

    @Override
    public List<? extends SnapshotSource> units() {
        if (databases.size() == 1) {
            return List.of(this);
        }
        List<PostgresSource> units = new ArrayList<>();
        for (String db : databases) {
            units.add(new PostgresSource(sourceName, connection, List.of(db), format, pgDump, db, true, lockWaitTimeout));
        }
        return units;
    }

    @Override
    public String unitName() {
        return split ? database : "";
    }

    @Override
    public String location() {
        return "postgresql://" + connection + "/" + (database == null ? String.join(",", databases) : database)
                + " (pg_dump, " + format.name().toLowerCase() + " format)";
    }

    @Override
    public long sizeBytes() {
        return -1;
    }

    /** The lock wait of a run with {@code remaining} time left: the configured one, or less when the run has less left. */
    Duration lockWait(Optional<Duration> remaining) {
        Duration wait = remaining.filter(r -> r.compareTo(lockWaitTimeout) < 0).orElse(lockWaitTimeout);
        return wait.toMillis() < 1 ? Duration.ofMillis(1) : wait; // 0 would mean no limit
    }

    List<String> command(Duration lockWait) {
        List<String> command = new ArrayList<>(List.of(pgDump,
                "--host=" + connection.host(), "--port=" + connection.port(), "--username=" + connection.user(),
                "--dbname=" + database, "--no-password",
                "--lock-wait-timeout=" + lockWait.toMillis(),
                format == Format.CUSTOM ? "--format=custom" : "--format=plain"));
        if (format == Format.CUSTOM) {
            // the custom format compresses by itself; the pipeline compresses, so store it uncompressed
            command.add("--compress=0");
        } else {
            // like pg_restore --no-owner for the custom format: a restore (or verification's scratch restore, as a role
            // that is not a superuser) makes its own role the owner instead of failing on ALTER ... OWNER TO
            command.add("--no-owner");
        }
        return command;
    }

    @Override
    public Snapshot take() throws IOException {
        return take(Optional.empty());
    }

    @Override
    public Snapshot take(Optional<Duration> remaining) throws IOException {
        if (database == null) {
            throw new IllegalStateException("take() on a multi-database source; back up each of units()");
        }
        Duration lockWait = lockWait(remaining);
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PGPASSWORD", connection.password() == null ? "" : connection.password());
        env.put("PGCONNECT_TIMEOUT", "10");
        env.put("PGAPPNAME", "offsite-backup");
        // only what pg_dump needs: never this process's secrets (S3_SECRET_KEY, Kafka credentials ...)
        ProcessBuilder builder = ChildEnvironment.apply(new ProcessBuilder(command(lockWait)), env);
        ChildProcess process;
        try {
            process = ChildProcess.start(builder, TERMINATION_GRACE);
        } catch (IOException e) {
            throw new JobFailedException("PG_DUMP_MISSING", "cannot run '" + pgDump + "' for source '" + sourceName
                    + "': " + e.getMessage() + ". Install the PostgreSQL client tools (version at least the server's) or set pg-dump-path.", false, e);
        }
        try {
            return new DumpSnapshot(process, lockWait);
        } catch (IOException | RuntimeException e) {
            process.close();
            throw e;
        }
    }

    private final class DumpSnapshot implements Snapshot {
        private final ChildProcess process;
        private final Duration lockWait;
        private final ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        private final Thread stderrReader;

        DumpSnapshot(ChildProcess process, Duration lockWait) throws IOException {
            this.process = process;
            this.lockWait = lockWait;
            process.process().getOutputStream().close();
            this.stderrReader = new Thread(() -> {
                try (InputStream err = process.process().getErrorStream()) {
                    byte[] buffer = new byte[4096];
                    int n;
                    while ((n = err.read(buffer)) != -1) {
                        synchronized (stderr) {
                            if (stderr.size() < 16 * 1024) {
                                stderr.write(buffer, 0, n);
                            }
                        }
                    }
                } catch (IOException ignored) {
                    // the process went away; its exit code tells what happened
                }
            }, "pg_dump-stderr-" + database);
            this.stderrReader.setDaemon(true);
            this.stderrReader.start();
        }

        /** The dump as {@code pg_dump} writes it; a read blocked while the run is stopped ends with {@link java.io.InterruptedIOException}. */
        @Override
        public InputStream stream() {
            return process.stdout();
        }

        @Override
        public long sizeBytes() {
            return -1;
        }

        @Override
        public void finish() throws InterruptedException {
            int exit = process.waitFor();
            if (process.stoppedOnInterrupt()) {
                throw new InterruptedException("the run was stopped while pg_dump of '" + database + "' was running");
            }
            stderrReader.join(5000);
            if (exit != 0) {
                String message;
                synchronized (stderr) {
                    // pg_dump reports an error and its detail on separate lines: keep the reason on one log line
                    message = stderr.toString(StandardCharsets.UTF_8).strip().replaceAll("\\s*\\R\\s*", "; ");
                }
                throw failure(exit, message);
            }
        }

        private JobFailedException failure(int exit, String message) {
            String lower = message.toLowerCase();
            if (lower.contains("lock table") && (lower.contains("statement timeout") || lower.contains("lock timeout"))) {
                return new JobFailedException("LOCK_TIMEOUT", "pg_dump of '" + database + "' on " + connection + " could not lock a table within "
                        + lockWait.toMillis() + " ms (lock-wait-timeout): another session holds a conflicting lock; " + message, true);
            }
            if (lower.contains("server version mismatch")) {
                return new JobFailedException("PG_DUMP_TOO_OLD", "pg_dump is older than the PostgreSQL server of source '" + sourceName
                        + "': " + message + ". Install a pg_dump at least as new as the server.", false);
            }
            if (lower.contains("password authentication failed") || lower.contains("no password supplied")) {
                return new JobFailedException("AUTHENTICATION_FAILED", "PostgreSQL rejected the credentials of user '" + connection.user()
                        + "' for source '" + sourceName + "'", false);
            }
            if (lower.contains("does not exist")) {
                return new JobFailedException("DATABASE_NOT_FOUND", "pg_dump of '" + database + "' failed: " + message, false);
            }
            boolean unreachable = lower.contains("connection refused") || lower.contains("could not connect") || lower.contains("timeout");
            return new JobFailedException(unreachable ? "POSTGRES_UNAVAILABLE" : "PG_DUMP_FAILED",
                    "pg_dump of '" + database + "' on " + connection + " exited with " + exit + ": " + message, true);
        }

        /** Ends {@code pg_dump} and whatever it started, if still running, and waits for them. */
        @Override
        public void close() {
            process.close();
            boolean interrupted = Thread.interrupted();
            try {
                stderrReader.join(5000);
            } catch (InterruptedException e) {
                interrupted = true;
            } finally {
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }
}
