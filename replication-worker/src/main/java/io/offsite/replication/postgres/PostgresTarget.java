package io.offsite.replication.postgres;

import io.offsite.replication.connection.IdleConnections;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Optional;
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
 *
 * <p>Every run sets its session's {@code statement_timeout} and {@code lock_timeout} (the settings, or what the run has
 * left when that is less) and lets a read wait for the server no longer than the statement timeout and a margin, so a
 * run never waits on PostgreSQL past its deadline, whether or not anyone stops it.
 */
public final class PostgresTarget implements AutoCloseable {

    /** How long a connection is kept for the next run by default. */
    public static final Duration DEFAULT_KEEP_IDLE = Duration.ofMinutes(2);
    /** How much longer than the statement timeout a read may wait for the server before the connection counts as lost. */
    static final Duration NETWORK_MARGIN = Duration.ofSeconds(30);

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
        return connect(Optional.empty());
    }

    /**
     * As {@link #connect()}, for a run with {@code remaining} time left before its deadline (empty: no deadline): the
     * session's statement and lock timeouts are the settings' or, when less, the time left.
     */
    public Connection connect(Optional<Duration> remaining) {
        Connection connection = keptOrNew();
        try {
            limit(connection, remaining);
            return connection;
        } catch (SQLException e) {
            IdleConnections.closeQuietly(connection);
            throw PostgresErrors.onConnect(e, settings);
        }
    }

    private Connection keptOrNew() {
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

    /** One round trip per run: the session's timeouts for this run, and the socket's read timeout to match. */
    private void limit(Connection connection, Optional<Duration> remaining) throws SQLException {
        long statement = capped(settings.statementTimeout(), remaining);
        long lock = capped(settings.lockTimeout(), remaining);
        try (Statement s = connection.createStatement()) {
            s.execute("SET statement_timeout = " + statement + "; SET lock_timeout = " + lock);
        }
        connection.setNetworkTimeout(Runnable::run, (int) Math.min(Integer.MAX_VALUE, statement + NETWORK_MARGIN.toMillis()));
    }

    /** Milliseconds of {@code limit}, or of what remains when less; at least 1 (0 would mean no limit at all). */
    static long capped(Duration limit, Optional<Duration> remaining) {
        Duration effective = remaining.filter(r -> r.compareTo(limit) < 0).orElse(limit);
        return Math.max(1, effective.toMillis());
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
        props.setProperty("cancelSignalTimeout", Long.toString(Math.max(1, settings.connectTimeout().toSeconds())));
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
