package io.offsite.replication.postgres;

import java.time.Duration;
import java.util.Objects;

/**
 * How to reach the target. {@link #toString()} and {@link #describe()} never show the password.
 *
 * @param jdbcUrl {@code jdbc:postgresql://host:port/database}; credentials come from user and password
 * @param user login role
 * @param password its password
 * @param connectTimeout how long connecting may take before the target counts as unreachable
 * @param statementTimeout longest a statement may run ({@code statement_timeout}), and with a margin how long a read may
 *        wait for the server; never longer than the run has left
 * @param lockTimeout longest a statement may wait for a lock ({@code lock_timeout}); never longer than the run has left
 */
public record PostgresSettings(String jdbcUrl, String user, String password, Duration connectTimeout, Duration statementTimeout,
                               Duration lockTimeout) {

    public static final Duration DEFAULT_STATEMENT_TIMEOUT = Duration.ofMinutes(10);
    public static final Duration DEFAULT_LOCK_TIMEOUT = Duration.ofMinutes(1);

    public PostgresSettings {
        Objects.requireNonNull(jdbcUrl, "jdbcUrl");
        if (!jdbcUrl.startsWith("jdbc:postgresql:")) {
            throw new IllegalArgumentException("the PostgreSQL URL must start with jdbc:postgresql:");
        }
        password = password == null ? "" : password;
        connectTimeout = connectTimeout == null ? Duration.ofSeconds(10) : connectTimeout;
        statementTimeout = statementTimeout == null ? DEFAULT_STATEMENT_TIMEOUT : statementTimeout;
        lockTimeout = lockTimeout == null ? DEFAULT_LOCK_TIMEOUT : lockTimeout;
        if (statementTimeout.toMillis() < 1 || lockTimeout.toMillis() < 1) {
            throw new IllegalArgumentException("the statement and lock timeouts must be at least 1 ms");
        }
    }

    /** Settings with the default timeouts. */
    public PostgresSettings(String jdbcUrl, String user, String password, Duration connectTimeout) {
        this(jdbcUrl, user, password, connectTimeout, null, null);
    }

    public static PostgresSettings of(String host, int port, String database, String user, String password) {
        return new PostgresSettings("jdbc:postgresql://" + host + ":" + port + "/" + database, user, password, null);
    }

    public PostgresSettings withTimeouts(Duration statementTimeout, Duration lockTimeout) {
        return new PostgresSettings(jdbcUrl, user, password, connectTimeout, statementTimeout, lockTimeout);
    }

    /** {@code user@host:port/database}, without query parameters. */
    public String describe() {
        String location = jdbcUrl.substring("jdbc:postgresql:".length()).replaceFirst("^//", "");
        int query = location.indexOf('?');
        return user + "@" + (query >= 0 ? location.substring(0, query) : location);
    }

    /** Removes the password from a message that might echo it (a driver or server message). */
    public String redact(String message) {
        if (message == null) {
            return "";
        }
        return password.length() < 2 ? message : message.replace(password, "***");
    }

    @Override
    public String toString() {
        return "PostgresSettings[" + describe() + "]";
    }
}
