package io.offsite.replication.sqlite;

import io.offsite.replication.connection.IdleConnections;
import io.offsite.replication.failure.ReplicationException;
import io.offsite.replication.failure.ReplicationException.Kind;
import io.offsite.replication.plan.Column;
import io.offsite.replication.plan.TableSchema;
import io.offsite.replication.plan.Utf8Text;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.sqlite.SQLiteConfig;

/**
 * A read-only view of a SQLite file inside one read transaction: every schema read, count and row read of a run
 * sees the same snapshot, so rows written meanwhile never produce a torn copy (WAL mode: writers go on; rollback
 * mode: writers wait for the run).
 *
 * <p>Opening waits up to {@value #BUSY_WAIT_MILLIS} ms for a writer that holds the file locked (rollback mode), in short
 * waits between which an interrupt of the run's thread is noticed: SQLite's own busy wait ignores interrupts.
 */
public final class SqliteSnapshot implements AutoCloseable {

    /** How long starting a read waits for a writer that holds the file locked. */
    static final int BUSY_WAIT_MILLIS = 30_000;
    /** SQLite's busy timeout: how long one attempt waits before the run's thread is looked at again. */
    private static final int BUSY_STEP_MILLIS = 200;
    private static final int SQLITE_BUSY = 5;

    /** Receives the rows of a table one by one. */
    public interface RowSink {
        void row(Object[] values) throws SQLException, InterruptedException;
    }

    private final Path path;
    private final Connection connection;
    private final Consumer<Connection> release;

    private SqliteSnapshot(Path path, Connection connection, Consumer<Connection> release) {
        this.path = path;
        this.connection = connection;
        this.release = release;
    }

    /** A snapshot on a connection of its own, closed with the snapshot. */
    public static SqliteSnapshot open(Path path) {
        return SqliteSources.unkept().open(path);
    }

    /**
     * A snapshot on {@code kept} (a connection of an earlier run to the same file) or, when that is null or no longer
     * usable, on a new read-only connection; closing the snapshot hands the connection to {@code release}.
     */
    static SqliteSnapshot open(Path path, Connection kept, Consumer<Connection> release) {
        if (kept != null) {
            try {
                begin(kept);
                return new SqliteSnapshot(path, kept, release);
            } catch (SQLException e) {
                IdleConnections.closeQuietly(kept);
            }
        }
        SQLiteConfig config = new SQLiteConfig();
        config.setReadOnly(true);
        config.setBusyTimeout(BUSY_STEP_MILLIS);
        // up to 32 MiB of pages stay in memory: a table read twice (its extent, then its rows) is read from the file
        // once when it fits, and a kept connection finds them again in the next run if the file did not change
        config.setCacheSize(-32_768);
        long end = System.nanoTime() + BUSY_WAIT_MILLIS * 1_000_000L;
        while (true) {
            Connection connection = null;
            try {
                connection = DriverManager.getConnection("jdbc:sqlite:" + path, config.toProperties());
                connection.setAutoCommit(false);
                begin(connection);
                return new SqliteSnapshot(path, connection, release);
            } catch (SQLException e) {
                IdleConnections.closeQuietly(connection);
                if ((e.getErrorCode() & 0xff) != SQLITE_BUSY || System.nanoTime() > end) {
                    throw new ReplicationException(Kind.SOURCE_ERROR, "cannot read SQLite source " + path + ": " + e.getMessage(), e);
                }
                if (Thread.currentThread().isInterrupted()) {
                    throw new ReplicationException(Kind.SOURCE_ERROR, "stopped while waiting for a writer to release the SQLite source " + path, e);
                }
            }
        }
    }

    /**
     * The first read starts the read transaction: from here on the snapshot is fixed (in rollback mode the lock it takes
     * keeps writers out until the run ends, so no later read waits).
     */
    private static void begin(Connection connection) throws SQLException {
        try (var s = connection.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM sqlite_master")) {
            rs.next();
        }
    }

    public List<String> tableNames() {
        return source(this::tableNamesRaw);
    }

    private List<String> tableNamesRaw() throws SQLException {
        List<String> names = new ArrayList<>();
        try (var s = connection.createStatement();
             ResultSet rs = s.executeQuery("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name")) {
            while (rs.next()) {
                names.add(rs.getString(1));
            }
        }
        return names;
    }

    public Optional<TableSchema> schema(String table) {
        return source(() -> schemaRaw(table));
    }

    private Optional<TableSchema> schemaRaw(String table) throws SQLException {
        List<Column> columns = new ArrayList<>();
        TreeMap<Integer, String> key = new TreeMap<>();
        try (PreparedStatement ps = connection.prepareStatement("SELECT name, type, \"notnull\", pk FROM pragma_table_info(?) ORDER BY cid")) {
            ps.setString(1, table);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    columns.add(new Column(rs.getString(1), rs.getString(2), rs.getInt(3) != 0));
                    if (rs.getInt(4) > 0) {
                        key.put(rs.getInt(4), rs.getString(1));
                    }
                }
            }
        }
        if (columns.isEmpty()) {
            return Optional.empty();
        }
        Set<String> parents = new LinkedHashSet<>();
        try (PreparedStatement ps = connection.prepareStatement("SELECT \"table\" FROM pragma_foreign_key_list(?)")) {
            ps.setString(1, table);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    parents.add(rs.getString(1));
                }
            }
        }
        return Optional.of(new TableSchema(table, columns, new ArrayList<>(key.values()), parents));
    }

    /** Rows to read and the highest watermark in the table, from one scan. */
    public record Extent(long rows, Optional<String> max) {
    }

    /** Runs a query returning (count, max); {@code parameter} binds the single {@code ?} when present. */
    public Extent extent(String sql, Optional<String> parameter) {
        return source(() -> {
            try (PreparedStatement ps = prepare(sql, parameter); ResultSet rs = ps.executeQuery()) {
                rs.next();
                return new Extent(rs.getLong(1), Optional.ofNullable(rs.getObject(2)).map(Object::toString));
            }
        });
    }

    /**
     * Streams the rows of a query to {@code sink}. SQLite errors become {@link ReplicationException}s; the sink's own
     * {@link SQLException}s (from the target) pass through unchanged.
     */
    public void read(String sql, Optional<String> parameter, RowSink sink) throws SQLException, InterruptedException {
        read(sql, parameter, new boolean[0], sink);
    }

    /**
     * Like {@link #read(String, Optional, RowSink)}; columns marked in {@code text} (TEXT affinity) are read as their
     * raw UTF-8 bytes ({@link Utf8Text}) instead of decoded strings.
     */
    public void read(String sql, Optional<String> parameter, boolean[] text, RowSink sink) throws SQLException, InterruptedException {
        PreparedStatement ps = source(() -> prepare(sql, parameter));
        try {
            ResultSet rs = source(ps::executeQuery);
            int width = source(() -> rs.getMetaData().getColumnCount());
            while (source(rs::next)) {
                sink.row(source(() -> row(rs, width, text)));
            }
        } finally {
            source(() -> {
                ps.close();
                return null;
            });
        }
    }

    private static Object[] row(ResultSet rs, int width, boolean[] text) throws SQLException {
        Object[] values = new Object[width];
        for (int i = 0; i < width; i++) {
            if (i < text.length && text[i]) {
                byte[] bytes = rs.getBytes(i + 1);
                values[i] = bytes == null ? null : new Utf8Text(bytes);
            } else {
                values[i] = rs.getObject(i + 1);
            }
        }
        return values;
    }

    private interface SourceCall<T> {
        T call() throws SQLException;
    }

    private <T> T source(SourceCall<T> call) {
        try {
            return call.call();
        } catch (SQLException e) {
            throw new ReplicationException(Kind.SOURCE_ERROR, "cannot read SQLite source " + path.toAbsolutePath() + ": " + e.getMessage(), e);
        }
    }

    private PreparedStatement prepare(String sql, Optional<String> parameter) throws SQLException {
        PreparedStatement ps = connection.prepareStatement(sql);
        if (parameter.isPresent()) {
            ps.setString(1, parameter.get());
        }
        return ps;
    }

    public Path path() {
        return path;
    }

    /** Ends the read transaction (nothing was written) and closes the file. */
    @Override
    public void close() {
        try {
            connection.rollback();
        } catch (SQLException e) {
            IdleConnections.closeQuietly(connection);
            throw new ReplicationException(Kind.SOURCE_ERROR, "cannot read SQLite source " + path.toAbsolutePath() + ": " + e.getMessage(), e);
        }
        release.accept(connection);
    }
}
