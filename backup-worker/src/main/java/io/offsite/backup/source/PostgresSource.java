package io.offsite.backup.source;

import io.offsite.worker.job.JobFailedException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One database of a PostgreSQL server, dumped with {@code pg_dump} (custom format or plain SQL) and streamed
 * from the process: nothing is written to disk. The password goes to the process environment
 * ({@code PGPASSWORD}), never to its command line or to logs.
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

    private final String sourceName;
    private final Connection connection;
    private final List<String> databases;
    private final Format format;
    private final String pgDump;
    private final String database;
    private final boolean split;

    public PostgresSource(String sourceName, Connection connection, List<String> databases, Format format, String pgDump) {
        this(sourceName, connection, databases, format, pgDump, databases.size() == 1 ? databases.get(0) : null, false);
    }

    private PostgresSource(String sourceName, Connection connection, List<String> databases, Format format, String pgDump,
                           String database, boolean split) {
        if (databases.isEmpty()) {
            throw new IllegalArgumentException("PostgreSQL source '" + sourceName + "' lists no databases");
        }
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
            units.add(new PostgresSource(sourceName, connection, List.of(db), format, pgDump, db, true));
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

    List<String> command() {
        List<String> command = new ArrayList<>(List.of(pgDump,
                "--host=" + connection.host(), "--port=" + connection.port(), "--username=" + connection.user(),
                "--dbname=" + database, "--no-password",
                format == Format.CUSTOM ? "--format=custom" : "--format=plain"));
        if (format == Format.CUSTOM) {
            // the custom format compresses by itself; the pipeline compresses, so store it uncompressed
            command.add("--compress=0");
        }
        return command;
    }

    @Override
    public Snapshot take() throws IOException {
        if (database == null) {
            throw new IllegalStateException("take() on a multi-database source; back up each of units()");
        }
        ProcessBuilder builder = new ProcessBuilder(command());
        Map<String, String> env = builder.environment();
        env.put("PGPASSWORD", connection.password() == null ? "" : connection.password());
        env.put("PGCONNECT_TIMEOUT", "10");
        env.put("PGAPPNAME", "offsite-backup");
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new JobFailedException("PG_DUMP_MISSING", "cannot run '" + pgDump + "' for source '" + sourceName
                    + "': " + e.getMessage() + ". Install the PostgreSQL client tools (version at least the server's) or set pg-dump-path.", false, e);
        }
        return new DumpSnapshot(process);
    }

    private final class DumpSnapshot implements Snapshot {
        private final Process process;
        private final ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        private final Thread stderrReader;

        DumpSnapshot(Process process) throws IOException {
            this.process = process;
            process.getOutputStream().close();
            this.stderrReader = new Thread(() -> {
                try (InputStream err = process.getErrorStream()) {
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

        @Override
        public InputStream stream() {
            return process.getInputStream();
        }

        @Override
        public long sizeBytes() {
            return -1;
        }

        @Override
        public void finish() throws InterruptedException {
            int exit = process.waitFor();
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

        @Override
        public void close() {
            if (process.isAlive()) {
                process.destroy();
                try {
                    if (!process.waitFor(5, TimeUnit.SECONDS)) {
                        process.destroyForcibly();
                    }
                } catch (InterruptedException e) {
                    process.destroyForcibly();
                    Thread.currentThread().interrupt();
                }
            }
        }
    }
}
