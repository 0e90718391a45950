package io.offsite.backup.temp;

import java.sql.SQLException;
import java.util.Locale;

/**
 * Tells a failure caused by a full disk from other failures, by what the layers below report: the JDK's
 * {@code IOException} carries the operating system's text for {@code ENOSPC} ("No space left on device") or
 * {@code EDQUOT} ("Disk quota exceeded"); SQLite reports {@code SQLITE_FULL} (result code 13, "database or disk is
 * full"). The cause chain is followed.
 */
public final class DiskFull {

    /** SQLite's primary result code for a full disk. */
    static final int SQLITE_FULL = 13;

    private static final String[] MESSAGES = {"no space left on device", "disk quota exceeded", "database or disk is full", "sqlite_full"};

    private DiskFull() {
    }

    /** Whether {@code failure} or one of its causes says the disk (or the user's quota on it) is full. */
    public static boolean caused(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof InsufficientDiskSpaceException) {
                return true;
            }
            if (t instanceof SQLException sql && (sql.getErrorCode() & 0xff) == SQLITE_FULL && sql.getClass().getName().startsWith("org.sqlite")) {
                return true;
            }
            String message = t.getMessage();
            if (message != null) {
                String lower = message.toLowerCase(Locale.ROOT);
                for (String m : MESSAGES) {
                    if (lower.contains(m)) {
                        return true;
                    }
                }
            }
        }
        return false;
    }
}
