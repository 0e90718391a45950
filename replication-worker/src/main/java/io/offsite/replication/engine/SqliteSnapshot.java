package io.offsite.replication.engine;

import io.offsite.replication.engine.ReplicationException.Kind;
import io.offsite.replication.plan.Column;
import io.offsite.replication.plan.TableSchema;
import io.offsite.replication.plan.Utf8Text;
import java.nio.file.Files;
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
import org.sqlite.SQLiteConfig;

/**
 * A read-only view of a SQLite file inside one read transaction: every schema read, count and row read of a run
 * sees the same snapshot, so rows written meanwhile never produce a torn copy (WAL mode: writers go on; rollback
 * mode: writers wait for the run).
 */
public final class SqliteSnapshot implements AutoCloseable {

    /** Receives the rows of a table one by one. */
    public interface RowSink {
        void row(Object[] values) throws SQLException, InterruptedException;
    }

    private final Path path;
    private final Connection connection;

    private SqliteSnapshot(Path path, Connection connection) {
        this.path = path;
        this.connection = connection;
    }

    public static SqliteSnapshot open(Path path) {
        if (!Files.isRegularFile(path)) {
            throw new ReplicationException(Kind.SOURCE_NOT_FOUND, "SQLite source not found: " + path.toAbsolutePath());
        }
        SQLiteConfig config = new SQLiteConfig();
        config.setReadOnly(true);
        config.setBusyTimeout(30_000);
        // up to 32 MiB of pages stay in memory for the run: a table read twice (its extent, then its rows) is read from
        // the file once when it fits
        config.setCacheSize(-32_768);
        Connection connection = null;
        try {
            connection = DriverManager.getConnection("jdbc:sqlite:" + path.toAbsolutePath(), config.toProperties());
            connection.setAutoCommit(false);
            try (var s = connection.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM sqlite_master")) {
                rs.next(); // the first read starts the read transaction: from here on the snapshot is fixed
            }
            return new SqliteSnapshot(path, connection);
        } catch (SQLException e) {
            if (connection != null) {
                try {
                    connection.close();
                } catch (SQLException closing) {
                    e.addSuppressed(closing);
                }
            }
            throw new ReplicationException(Kind.SOURCE_ERROR, "cannot read SQLite source " + path.toAbsolutePath() + ": " + e.getMessage(), e);
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
        source(() -> {
            try {
                connection.rollback();
            } finally {
                connection.close();
            }
            return null;
        });
    }
}
