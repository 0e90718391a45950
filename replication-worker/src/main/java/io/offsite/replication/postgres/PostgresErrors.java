package io.offsite.replication.postgres;

import io.offsite.replication.failure.ReplicationException;
import io.offsite.replication.failure.ReplicationException.Kind;
import java.sql.SQLException;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

/** Turns PostgreSQL errors into clear, credential-free {@link ReplicationException}s and short row-failure reasons. */
public final class PostgresErrors {

    private PostgresErrors() {
    }

    static Kind kind(SQLException e) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        if (state.startsWith("08") || state.equals("57P01") || state.equals("57P02") || state.equals("57P03") || state.startsWith("53")) {
            return Kind.TARGET_UNREACHABLE;
        }
        if (state.equals("28P01") || state.equals("28000")) {
            return Kind.TARGET_AUTHENTICATION;
        }
        if (state.equals("3D000") || state.startsWith("42")) {
            return Kind.TARGET_REFUSED;
        }
        if (state.equals("55P03")) {
            return Kind.LOCK_TIMEOUT;
        }
        if (state.equals("57014")) {
            return Kind.STATEMENT_TIMEOUT;
        }
        return Kind.TARGET_ERROR;
    }

    static ReplicationException onConnect(SQLException e, PostgresSettings target) {
        Kind kind = kind(e);
        String reason = target.redact(reason(e));
        String message = switch (kind) {
            case TARGET_UNREACHABLE -> "PostgreSQL at " + target.describe() + " is unreachable: " + reason;
            case TARGET_AUTHENTICATION -> "PostgreSQL refused the credentials of user '" + target.user() + "' at " + target.describe()
                    + " (check POSTGRES_USER and POSTGRES_PASSWORD): " + reason;
            default -> "cannot connect to PostgreSQL at " + target.describe() + ": " + reason;
        };
        return new ReplicationException(kind, message);
    }

    public static ReplicationException during(SQLException e, PostgresSettings target, String doing) {
        Kind kind = kind(e);
        String limit = switch (kind) {
            case LOCK_TIMEOUT -> " (lock-timeout " + target.lockTimeout() + " or the run's deadline: another session holds a conflicting lock)";
            case STATEMENT_TIMEOUT -> " (statement-timeout " + target.statementTimeout() + " or the run's deadline)";
            default -> "";
        };
        return new ReplicationException(kind, "PostgreSQL at " + target.describe() + " failed while " + doing + ": "
                + target.redact(reason(e)) + limit);
    }

    /**
     * Errors about the data of some row (invalid value, constraint, trigger) are isolated; anything else (lost
     * connection, permissions, missing objects) stops the table.
     */
    static void rethrowUnlessRowLevel(SQLException e) throws SQLException {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        if (!(state.startsWith("22") || state.startsWith("23") || state.startsWith("P0") || state.startsWith("44"))) {
            throw e;
        }
    }

    /** PostgreSQL's own message (without the row detail), or the driver's message. */
    static String reason(SQLException e) {
        if (e instanceof PSQLException p && p.getServerErrorMessage() != null) {
            ServerErrorMessage m = p.getServerErrorMessage();
            String constraint = m.getConstraint() != null ? " (constraint " + m.getConstraint() + ")" : "";
            return m.getMessage() + constraint;
        }
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        int newline = message.indexOf('\n');
        return newline > 0 ? message.substring(0, newline) : message;
    }
}
