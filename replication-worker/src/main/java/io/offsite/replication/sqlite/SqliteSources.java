package io.offsite.replication.sqlite;

import io.offsite.replication.connection.IdleConnections;
import io.offsite.replication.failure.ReplicationException;
import io.offsite.replication.failure.ReplicationException.Kind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.sql.Connection;
import java.time.Duration;
import java.util.Objects;

/**
 * Opens read-only snapshots of SQLite sources. The connection of a finished run is kept for {@code keepIdle}: the
 * next run of the same file skips opening it and reading its schema, and finds the pages SQLite cached still valid
 * when nothing was written meanwhile (SQLite checks that itself when a read begins). A kept connection holds no lock
 * between runs, and is only reused for the very same file: one that was replaced (a restore, a move) gets a new one.
 */
public final class SqliteSources implements AutoCloseable {

    /** A file as the system identifies it: the same path may name another file after a replace. */
    private record FileIdentity(Path path, Object fileKey) {
    }

    private final IdleConnections<FileIdentity> idle;

    public SqliteSources(Duration keepIdle) {
        this.idle = new IdleConnections<>(keepIdle, "replication-idle-sqlite");
    }

    /** Sources whose connections are closed after each run. */
    public static SqliteSources unkept() {
        return new SqliteSources(Duration.ZERO);
    }

    /** A snapshot of {@code path}; closing it ends the read and hands the connection back. */
    public SqliteSnapshot open(Path path) {
        Path absolute = path.toAbsolutePath();
        FileIdentity identity = identity(absolute);
        Connection kept = idle.take(identity);
        return SqliteSnapshot.open(absolute, kept, connection -> idle.put(identity, connection));
    }

    private static FileIdentity identity(Path path) {
        try {
            BasicFileAttributes attributes = Files.readAttributes(path, BasicFileAttributes.class);
            if (!attributes.isRegularFile()) {
                throw new ReplicationException(Kind.SOURCE_NOT_FOUND, "SQLite source not found: " + path);
            }
            return new FileIdentity(path, Objects.requireNonNullElse(attributes.fileKey(), path));
        } catch (IOException e) {
            throw new ReplicationException(Kind.SOURCE_NOT_FOUND, "SQLite source not found: " + path);
        }
    }

    /** Closes the kept connections. */
    @Override
    public void close() {
        idle.close();
    }
}
