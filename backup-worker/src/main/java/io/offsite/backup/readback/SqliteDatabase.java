package io.offsite.backup.readback;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/** Checks of a SQLite file: integrity, row counts, and whether another process has it open. */
public final class SqliteDatabase {

    private final Path file;

    public SqliteDatabase(Path file) {
        this.file = file;
    }

    /** {@code PRAGMA integrity_check}: {@code ["ok"]} for a sound database, otherwise the problems it found. */
    public List<String> integrityCheck() {
        List<String> messages = new ArrayList<>();
        try (Connection c = connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery("PRAGMA integrity_check")) {
            while (rs.next()) {
                messages.add(rs.getString(1));
            }
        } catch (SQLException e) {
            messages.add(e.getMessage());
        }
        return messages;
    }

    /** Rows of every table, in the order the tables were created. */
    public Map<String, Long> rowCounts() throws SQLException {
        Map<String, Long> counts = new LinkedHashMap<>();
        try (Connection c = connect(); Statement s = c.createStatement()) {
            List<String> tables = new ArrayList<>();
            try (ResultSet rs = s.executeQuery("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY rowid")) {
                while (rs.next()) {
                    tables.add(rs.getString(1));
                }
            }
            for (String table : tables) {
                try (ResultSet rs = s.executeQuery("SELECT count(*) FROM \"" + table.replace("\"", "\"\"") + "\"")) {
                    rs.next();
                    counts.put(table, rs.getLong(1));
                }
            }
        }
        return counts;
    }

    /**
     * Why the file cannot be replaced now, if another connection holds it: an exclusive transaction cannot be
     * started (a reader or writer in rollback-journal mode, a writer in WAL mode), or its {@code -wal} file
     * outlives this check's own connection (in WAL mode the last connection to close removes it).
     * An idle connection in rollback-journal mode holds no lock and cannot be seen.
     */
    public Optional<String> inUse() throws SQLException {
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        SQLiteConfig config = new SQLiteConfig();
        config.setBusyTimeout(0);
        try (Connection c = DriverManager.getConnection(url(), config.toProperties()); Statement s = c.createStatement()) {
            s.execute("BEGIN EXCLUSIVE");
            try (ResultSet rs = s.executeQuery("SELECT count(*) FROM sqlite_master")) {
                rs.next();
            }
            s.execute("ROLLBACK");
        } catch (SQLiteException e) {
            SQLiteErrorCode code = e.getResultCode();
            if (code == SQLiteErrorCode.SQLITE_BUSY || code == SQLiteErrorCode.SQLITE_LOCKED
                    || (code != null && code.name().startsWith("SQLITE_BUSY"))) {
                return Optional.of(file + " is locked by another connection (" + e.getMessage() + ")");
            }
            if (code == SQLiteErrorCode.SQLITE_NOTADB) {
                return Optional.empty();
            }
            throw e;
        }
        Path wal = file.resolveSibling(file.getFileName() + "-wal");
        if (Files.exists(wal)) {
            return Optional.of(file + " has an open write-ahead log " + wal.getFileName() + ": another process has the database open");
        }
        return Optional.empty();
    }

    /** Removes the file with the journal files SQLite may leave next to it. */
    public static void deleteWithJournals(Path file) throws java.io.IOException {
        for (String suffix : new String[] {"-wal", "-shm", "-journal"}) {
            Files.deleteIfExists(file.resolveSibling(file.getFileName() + suffix));
        }
        Files.deleteIfExists(file);
    }

    // read-write: a read-only connection cannot open a WAL-mode file whose -shm does not exist yet
    private Connection connect() throws SQLException {
        return DriverManager.getConnection(url());
    }

    private String url() {
        return "jdbc:sqlite:" + file.toAbsolutePath();
    }
}
