package io.offsite.replication.engine;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import org.postgresql.PGConnection;
import org.postgresql.core.BaseConnection;
import org.postgresql.core.ServerVersion;

/** Opens connections to the target, verified and classified: a failure says what is wrong and never shows the password. */
public final class PostgresTarget {

    private final PostgresSettings settings;

    public PostgresTarget(PostgresSettings settings) {
        this.settings = settings;
    }

    public PostgresSettings settings() {
        return settings;
    }

    /**
     * Connects and verifies the connection with a first statement; the connection is returned outside autocommit.
     * That statement turns off JIT compilation for the session where the server has it (PostgreSQL 11+): the engine's
     * statements are many short ones, whose cost estimates can pass the JIT threshold while compiling would take longer
     * than running them.
     */
    public Connection connect() {
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
                failure.addSuppressed(closing);
            }
        }
    }
}
