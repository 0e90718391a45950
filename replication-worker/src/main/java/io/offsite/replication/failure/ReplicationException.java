package io.offsite.replication.failure;

/** A replication that cannot go on, with what kind of problem stopped it. Messages never carry credentials. */
public class ReplicationException extends RuntimeException {

    public enum Kind {
        /** PostgreSQL cannot be reached or dropped the connection: worth retrying later. */
        TARGET_UNREACHABLE(true),
        /** PostgreSQL refused the credentials: a retry cannot help. */
        TARGET_AUTHENTICATION(false),
        /** PostgreSQL reported an error that is not about a single row. */
        TARGET_ERROR(true),
        /** A statement waited longer than the lock timeout for a lock another session holds: worth retrying later. */
        LOCK_TIMEOUT(true),
        /** A statement ran longer than the statement timeout (or was cancelled): worth retrying later. */
        STATEMENT_TIMEOUT(true),
        /** PostgreSQL refused the statement itself (permissions, schema): a retry cannot help. */
        TARGET_REFUSED(false),
        /** The SQLite file does not exist. */
        SOURCE_NOT_FOUND(false),
        /** The SQLite file cannot be read. */
        SOURCE_ERROR(true),
        /** The source and target schemas cannot be reconciled (no primary key, missing table, key mismatch). */
        SCHEMA_MISMATCH(false);

        private final boolean retryable;

        Kind(boolean retryable) {
            this.retryable = retryable;
        }

        public boolean retryable() {
            return retryable;
        }
    }

    private final Kind kind;

    public ReplicationException(Kind kind, String message) {
        this(kind, message, null);
    }

    public ReplicationException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
