package io.offsite.replication.engine;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
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
    private final Duration keepIdle;
    private Connection idle;
    private ScheduledFuture<?> idleClose;
    private ScheduledExecutorService closer;
    private boolean closed;

    /** A target whose connections are closed after each run. */
    public PostgresTarget(PostgresSettings settings) {
        this(settings, Duration.ZERO);
    }

    public PostgresTarget(PostgresSettings settings, Duration keepIdle) {
        this.settings = settings;
        this.keepIdle = keepIdle == null || keepIdle.isNegative() ? Duration.ZERO : keepIdle;
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
        Connection kept = takeIdle();
        if (kept != null) {
            try {
                if (kept.isValid((int) Math.max(1, settings.connectTimeout().toSeconds()))) {
                    return kept;
                }
            } catch (SQLException e) {
                // not usable any more: a new connection follows
            }
            closeQuietly(kept, null);
        }
        return open();
    }

    /**
     * Hands back a connection whose transaction has ended (committed or rolled back): kept for the next run for
     * {@code keepIdle}, or closed.
     */
    public void release(Connection connection) {
        boolean keep;
        synchronized (this) {
            keep = !keepIdle.isZero() && idle == null && !closed && isOpen(connection);
            if (keep) {
                idle = connection;
                if (closer == null) {
                    closer = Executors.newSingleThreadScheduledExecutor(r -> {
                        Thread t = new Thread(r, "replication-idle-connection");
                        t.setDaemon(true);
                        return t;
                    });
                }
                idleClose = closer.schedule(this::closeIdle, keepIdle.toMillis(), TimeUnit.MILLISECONDS);
            }
        }
        if (!keep) {
            closeQuietly(connection, null);
        }
    }

    private static boolean isOpen(Connection connection) {
        try {
            return !connection.isClosed();
        } catch (SQLException e) {
            return false;
        }
    }

    private synchronized Connection takeIdle() {
        Connection kept = idle;
        idle = null;
        if (idleClose != null) {
            idleClose.cancel(false);
            idleClose = null;
        }
        return kept;
    }

    private void closeIdle() {
        Connection kept = takeIdle();
        if (kept != null) {
            closeQuietly(kept, null);
        }
    }

    /** Closes the kept connection, if any. */
    @Override
    public void close() {
        synchronized (this) {
            closed = true;
        }
        closeIdle();
        synchronized (this) {
            if (closer != null) {
                closer.shutdownNow();
                closer = null;
            }
        }
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
                s.execute(connection.unwrap(PGConnection.class) instanceof BaseConnection base && base.haveMinimumServerVersion(ServerVersion.v11)
                        ? "SET jit = off" : "SELECT 1");
            }
            connection.setAutoCommit(false);
            return connection;
        } catch (SQLException e) {
            closeQuietly(connection, e);
            throw PostgresErrors.onConnect(e, settings);
        }
    }

    private static void closeQuietly(Connection connection, SQLException failure) {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException closing) {
                if (failure != null) {
                    failure.addSuppressed(closing);
                }
            }
        }
    }
}
