package io.offsite.backup.readback;

import io.offsite.worker.process.ChildEnvironment;
import io.offsite.worker.process.ChildProcess;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * PostgreSQL dumps and databases through the standard tools ({@code pg_restore}, {@code psql}, {@code pg_dump}) and
 * JDBC. Passwords go to the tools' environment ({@code PGPASSWORD}), never to their command lines; a tool gets only the
 * minimal environment of {@link ChildEnvironment} (no secret of this process).
 *
 * <p>A tool runs as a {@link ChildProcess}: when the calling thread is interrupted (a verification stopped at its
 * deadline) or the tool overruns its timeout, the tool and anything it started are ended (a termination signal first,
 * which makes a PostgreSQL tool cancel its query on the server) and waited for before the call returns.
 */
public final class PostgresTools {

    static final String PLAIN_TRAILER = "-- PostgreSQL database dump complete";
    /** How long the safety dump waits for a table lock before it fails. */
    static final Duration DUMP_LOCK_WAIT = Duration.ofMinutes(2);
    /** How long a tool may take to end after the termination signal before it is killed. */
    static final Duration TERMINATION_GRACE = Duration.ofSeconds(5);

    private final String pgRestore;
    private final String psql;
    private final String pgDump;
    private final Duration timeout;

    public PostgresTools(String pgRestore, String psql, String pgDump, Duration timeout) {
        this.pgRestore = pgRestore;
        this.psql = psql;
        this.pgDump = pgDump;
        this.timeout = timeout;
    }

    public static PostgresTools defaults() {
        return new PostgresTools("pg_restore", "psql", "pg_dump", Duration.ofHours(2));
    }

    /** The table-of-contents entries of a custom-format archive ({@code pg_restore --list}); fails on an unreadable archive. */
    public List<String> list(Path archive) throws IOException, InterruptedException {
        String output;
        try {
            output = run(List.of(pgRestore, "--list", archive.toString()), null, Map.of(), "read the archive with pg_restore --list");
        } catch (ToolFailedException e) {
            throw new BackupDefectException("the archive is not readable: " + e.getMessage() + "; use another backup", e);
        }
        return output.lines().filter(l -> !l.isBlank() && !l.startsWith(";")).toList();
    }

    /** Tables whose data the archive holds (its {@code TABLE DATA} entries). */
    public static List<String> tableData(List<String> toc) {
        List<String> tables = new ArrayList<>();
        for (String entry : toc) {
            int at = entry.indexOf(" TABLE DATA ");
            if (at >= 0) {
                String[] rest = entry.substring(at + " TABLE DATA ".length()).trim().split("\\s+");
                tables.add(rest.length >= 2 ? rest[0] + "." + rest[1] : String.join(" ", rest));
            }
        }
        return tables;
    }

    /**
     * Checks a plain SQL dump is non-empty text ending with pg_dump's trailer (so it was not cut short) and holds no psql
     * meta-command ({@link PlainDumpCheck}): a dump that would run anything on this machine is a defect.
     */
    public static void checkPlain(Path script) throws IOException {
        try (RandomAccessFile file = new RandomAccessFile(script.toFile(), "r")) {
            long length = file.length();
            if (length == 0) {
                throw new BackupDefectException("the SQL dump is empty: use another backup");
            }
            int tail = (int) Math.min(length, 512);
            byte[] end = new byte[tail];
            file.seek(length - tail);
            file.readFully(end);
            String text = new String(end, StandardCharsets.UTF_8);
            if (!text.contains(PLAIN_TRAILER)) {
                throw new BackupDefectException("the SQL dump does not end with '" + PLAIN_TRAILER + "': it was cut short; use another backup");
            }
        }
        try (InputStream in = Files.newInputStream(script)) {
            PlainDumpCheck.check(in);
        }
    }

    /**
     * Restores a dump into an existing database in one transaction, stopping at the first error. A plain SQL dump is
     * checked first ({@link #checkPlain}) and run by {@code psql} without reading any {@code psqlrc}, with
     * {@code standard_conforming_strings} on and a UTF-8 client encoding from the start, as the check reads it.
     */
    public void restore(Path dump, SnapshotKind kind, PgConnection target) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        Map<String, String> env = new LinkedHashMap<>();
        if (kind == SnapshotKind.POSTGRES_CUSTOM) {
            command.add(pgRestore);
            command.addAll(target.toolOptions());
            command.addAll(List.of("--no-owner", "--exit-on-error", "--single-transaction", dump.toString()));
        } else if (kind == SnapshotKind.POSTGRES_PLAIN) {
            checkPlain(dump);
            command.add(psql);
            command.add("--no-psqlrc");
            command.addAll(target.toolOptions());
            command.addAll(List.of("--quiet", "--set=ON_ERROR_STOP=1", "--single-transaction", "--file=" + dump));
            env.put("PGOPTIONS", "-c standard_conforming_strings=on");
            env.put("PGCLIENTENCODING", "UTF8");
        } else {
            throw new IllegalArgumentException("a " + kind.description() + " cannot be restored into PostgreSQL");
        }
        run(command, target.password(), env, "restore into " + target);
    }

    /** Dumps a database in custom format into {@code file} (the safety copy taken before a restore replaces it). */
    public void dump(PgConnection source, Path file) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(pgDump));
        command.addAll(source.toolOptions());
        command.addAll(List.of("--format=custom", "--lock-wait-timeout=" + DUMP_LOCK_WAIT.toMillis(), "--file=" + file));
        run(command, source.password(), Map.of(), "dump " + source);
    }

    /** Rows of every ordinary table outside the system schemas, as {@code schema.table} (just {@code table} in {@code public}). */
    public static Map<String, Long> rowCounts(PgConnection db) throws SQLException {
        Map<String, Long> counts = new LinkedHashMap<>();
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            List<String[]> tables = new ArrayList<>();
            try (ResultSet rs = s.executeQuery("SELECT table_schema, table_name FROM information_schema.tables WHERE table_type = 'BASE TABLE'"
                    + " AND table_schema NOT IN ('pg_catalog', 'information_schema') ORDER BY table_schema, table_name")) {
                while (rs.next()) {
                    tables.add(new String[] {rs.getString(1), rs.getString(2)});
                }
            }
            for (String[] t : tables) {
                try (ResultSet rs = s.executeQuery("SELECT count(*) FROM " + quote(t[0]) + "." + quote(t[1]))) {
                    rs.next();
                    counts.put(t[0].equals("public") ? t[1] : t[0] + "." + t[1], rs.getLong(1));
                }
            }
        }
        return counts;
    }

    /** Other sessions connected to the database (application name and client), which a restore would pull the data from under. */
    public static List<String> otherSessions(PgConnection db) throws SQLException {
        List<String> sessions = new ArrayList<>();
        try (Connection c = db.connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT pid, coalesce(nullif(application_name, ''), '?'), coalesce(host(client_addr), 'local') "
                     + "FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend'")) {
            while (rs.next()) {
                sessions.add("pid " + rs.getInt(1) + " (" + rs.getString(2) + " from " + rs.getString(3) + ")");
            }
        }
        return sessions;
    }

    /**
     * Empties a database before a restore replaces its content. A superuser drops every non-system schema with its
     * content; any other user drops what it owns ({@code DROP OWNED BY CURRENT_USER}, which also revokes privileges
     * granted to it inside this database). Fails when tables owned by other roles remain.
     */
    public static void empty(PgConnection db) throws SQLException {
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            boolean superuser;
            try (ResultSet rs = s.executeQuery("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")) {
                superuser = rs.next() && rs.getBoolean(1);
            }
            if (superuser) {
                List<String> schemas = new ArrayList<>();
                try (ResultSet rs = s.executeQuery("SELECT nspname FROM pg_namespace WHERE nspname NOT IN ('pg_catalog', 'information_schema')"
                        + " AND nspname NOT LIKE 'pg\\_toast%' AND nspname NOT LIKE 'pg\\_temp%'")) {
                    while (rs.next()) {
                        schemas.add(rs.getString(1));
                    }
                }
                for (String schema : schemas) {
                    s.execute("DROP SCHEMA " + quote(schema) + " CASCADE");
                }
                s.execute("CREATE SCHEMA IF NOT EXISTS public");
            } else {
                s.execute("DROP OWNED BY CURRENT_USER");
                boolean hasPublic;
                try (ResultSet rs = s.executeQuery("SELECT 1 FROM pg_namespace WHERE nspname = 'public'")) {
                    hasPublic = rs.next();
                }
                if (!hasPublic) {
                    s.execute("CREATE SCHEMA public");
                }
            }
        }
        Map<String, Long> left = rowCounts(db);
        if (!left.isEmpty()) {
            throw new RestoreException("cannot empty " + db + ": tables " + left.keySet() + " belong to other roles; restore as their owner"
                    + " (or a superuser), or into a new database");
        }
    }

    /**
     * Refuses a role that could make the server run programs or touch its files for a restored dump: a superuser, a
     * role with CREATEROLE (before PostgreSQL 16 it can grant itself anything but superuser), or a member of
     * {@code pg_execute_server_program}, {@code pg_read_server_files} or {@code pg_write_server_files}.
     *
     * @param setting the setting that names the role, for the message
     */
    public static void requireUnprivileged(PgConnection db, String setting) throws SQLException {
        try (Connection c = db.connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT rolsuper, rolcreaterole,"
                     + " pg_has_role(current_user, 'pg_execute_server_program', 'USAGE'),"
                     + " pg_has_role(current_user, 'pg_read_server_files', 'USAGE'),"
                     + " pg_has_role(current_user, 'pg_write_server_files', 'USAGE')"
                     + " FROM pg_roles WHERE rolname = current_user")) {
            if (!rs.next()) {
                throw new PrivilegedRoleException("role " + db.user() + " is not in pg_roles");
            }
            List<String> privileges = new ArrayList<>();
            if (rs.getBoolean(1)) {
                privileges.add("SUPERUSER");
            }
            if (rs.getBoolean(2)) {
                privileges.add("CREATEROLE");
            }
            String[] members = {"pg_execute_server_program", "pg_read_server_files", "pg_write_server_files"};
            for (int i = 0; i < members.length; i++) {
                if (!rs.getBoolean(1) && rs.getBoolean(3 + i)) {
                    privileges.add("member of " + members[i]);
                }
            }
            if (!privileges.isEmpty()) {
                throw new PrivilegedRoleException("role " + db.user() + " is " + String.join(", ", privileges) + ": a dump restored as it could run"
                        + " programs or read files on the server (COPY ... TO PROGRAM); set " + setting + " to a role with CREATEDB only,"
                        + " e.g. CREATE ROLE offsite_verify LOGIN CREATEDB PASSWORD '...'");
            }
        }
    }

    /** Creates {@code name} anew (dropping it first, with its sessions) through a maintenance connection. */
    public static PgConnection recreateDatabase(PgConnection maintenance, String name) throws SQLException {
        dropDatabase(maintenance, name);
        try (Connection c = maintenance.connect(); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + quote(name));
        }
        return maintenance.withDatabase(name);
    }

    public static void dropDatabase(PgConnection maintenance, String name) throws SQLException {
        try (Connection c = maintenance.connect(); Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + quote(name) + " WITH (FORCE)");
        }
    }

    static String quote(String identifier) {
        return "\"" + identifier.replace("\"", "\"\"") + "\"";
    }

    /**
     * Runs a tool to its end within the timeout; its output is returned, or quoted in the failure. Interrupted, it ends
     * the tool (and its children) and throws {@link InterruptedException}.
     */
    private String run(List<String> command, String password, Map<String, String> settings, String what) throws IOException, InterruptedException {
        Map<String, String> env = new LinkedHashMap<>(settings);
        if (password != null && !password.isEmpty()) {
            env.put("PGPASSWORD", password);
        }
        env.put("PGCONNECT_TIMEOUT", "10");
        env.put("PGAPPNAME", "offsite-restore");
        // only what the tool needs: never this process's secrets (S3_SECRET_KEY ...)
        ProcessBuilder builder = ChildEnvironment.apply(new ProcessBuilder(command).redirectErrorStream(true), env);
        ChildProcess process;
        try {
            process = ChildProcess.start(builder, TERMINATION_GRACE);
        } catch (IOException e) {
            throw new RestoreException("cannot " + what + ": " + command.get(0) + " could not be started (" + e.getMessage()
                    + "); install the PostgreSQL client tools or set their path", e);
        }
        try (process) {
            process.process().getOutputStream().close();
            CompletableFuture<String> output = new CompletableFuture<>();
            Thread reader = new Thread(() -> {
                try {
                    output.complete(read(process.process().getInputStream()));
                } catch (RuntimeException e) {
                    output.completeExceptionally(e);
                }
            }, "tool-output-" + process.pid());
            reader.setDaemon(true);
            reader.start();
            if (!process.waitFor(timeout)) {
                throw new RestoreException("cannot " + what + ": " + command.get(0) + " did not finish within " + timeout);
            }
            String text = output.get(30, TimeUnit.SECONDS);
            int exit = process.process().exitValue();
            if (exit != 0) {
                throw new ToolFailedException("cannot " + what + ": " + command.get(0) + " exited with " + exit + ": " + tail(text));
            }
            return text;
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IOException("cannot read the output of " + command.get(0) + ": " + e.getMessage(), e);
        }
    }

    private static String read(InputStream in) {
        try {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static String tail(String text) {
        String trimmed = text.strip();
        return trimmed.length() <= 2000 ? trimmed : "..." + trimmed.substring(trimmed.length() - 2000);
    }

    /** A role too privileged to restore untrusted dumps as. */
    public static final class PrivilegedRoleException extends RestoreException {
        PrivilegedRoleException(String message) {
            super(message);
        }
    }

    /** A tool ran and reported failure; its output is in the message. */
    public static final class ToolFailedException extends RestoreException {
        ToolFailedException(String message) {
            super(message);
        }
    }
}
