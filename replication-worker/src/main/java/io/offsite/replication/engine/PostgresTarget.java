package io.offsite.replication.engine;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Properties;
import org.postgresql.PGConnection;
import org.postgresql.core.BaseConnection;
import org.postgresql.core.ServerVersion;

/**
 * Opens connections to the target, verified and classified: a failure says what is wrong and never shows the password.
 *
 * <p>A connection handed back after a clean run is kept for {@code keepIdle} and reused by the next run if it still
 * answers: runs that follow each other closely (incremental runs every few minutes) skip connecting, authenticating and
 * warming the server's catalog caches, which is most of what a run with little to send costs. One connection at most is
 * kept, and it is closed once it has been idle that long, so a daily job holds nothing on the primary between runs.
 */
public final class PostgresTarget implements AutoCloseable {

    /** How long a connection is kept for the next run by default. */
    public static final Duration DEFAULT_KEEP_IDLE = Duration.ofMinutes(2);

    private final PostgresSettings settings;
    private final IdleConnections<String> idle;

    /** A target whose connections are closed after each run. */
    public PostgresTarget(PostgresSettings settings) {
        this(settings, Duration.ZERO);
    }

    public PostgresTarget(PostgresSettings settings, Duration keepIdle) {
        this.settings = settings;
        this.idle = new IdleConnections<>(keepIdle, "replication-idle-postgres");
    }

    public PostgresSettings settings() {
        return settings;
    }

    /**
     * A verified connection outside autocommit: the one kept from the last run when it still answers, otherwise a new
     * one. A new connection's first statement turns off JIT compilation for the session where the server has it
     * (PostgreSQL 11+): the engine's statements are many short ones, whose cost estimates can pass the JIT threshold while
     * compiling would take longer than running them.
     */
    public Connection connect() {
        Connection kept = idle.take(settings.jdbcUrl());
        if (kept != null) {
            try {
                if (kept.isValid((int) Math.max(1, settings.connectTimeout().toSeconds()))) {
                    return kept;
                }
            } catch (SQLException e) {
                // not usable any more: a new connection follows
            }
            IdleConnections.closeQuietly(kept);
        }
        return open();
    }

    /**
     * Hands back a connection whose transaction has ended (committed or rolled back): kept for the next run for
     * {@code keepIdle}, or closed.
     */
    public void release(Connection connection) {
        idle.put(settings.jdbcUrl(), connection);
    }

    /** Closes the kept connection, if any. */
    @Override
    public void close() {
        idle.close();
    }

    private Connection open() {
        Properties props = new Properties();
        props.setProperty("user", settings.user());
        props.setProperty("password", settings.password());
        props.setProperty("connectTimeout", Long.toString(Math.max(1, settings.connectTimeout().toSeconds())));
        props.setProperty("loginTimeout", Long.toString(Math.max(1, settings.connectTimeout().toSeconds())));
        props.setProperty("tcpKeepAlive", "true");
        props.setProperty("ApplicationName", "offsite-replication");
        Connection connection = null;
        try {
            connection = DriverManager.getConnection(settings.jdbcUrl(), props);
            try (Statement s = connection.createStatement()) {
                // floats print exactly (what comparing printed values needs; the default from PostgreSQL 12 on)
                boolean hasJit = connection.unwrap(PGConnection.class) instanceof BaseConnection base
                        && base.haveMinimumServerVersion(ServerVersion.v11);
                s.execute("SET extra_float_digits = 3" + (hasJit ? "; SET jit = off" : ""));
            }
            connection.setAutoCommit(false);
            return connection;
        } catch (SQLException e) {
            IdleConnections.closeQuietly(connection);
            throw PostgresErrors.onConnect(e, settings);
        }
    }
}
