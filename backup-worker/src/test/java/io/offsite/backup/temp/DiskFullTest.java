package io.offsite.backup.temp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystemException;
import java.nio.file.Path;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/** Which failures are a full disk: the texts and codes the JDK and SQLite really use. */
class DiskFullTest {

    @Test
    void aFullDiskIsRecognisedWhereverItIsInTheCauseChain() {
        assertThat(DiskFull.caused(new IOException("No space left on device"))).isTrue();
        assertThat(DiskFull.caused(new FileSystemException("/tmp/x", null, "No space left on device"))).isTrue();
        assertThat(DiskFull.caused(new IOException("Disk quota exceeded"))).isTrue();
        assertThat(DiskFull.caused(new SQLiteException("[SQLITE_FULL] Insertion failed because database is full (database or disk is full)",
                SQLiteErrorCode.SQLITE_FULL))).isTrue();
        assertThat(DiskFull.caused(new SQLException("database or disk is full"))).isTrue();
        assertThat(DiskFull.caused(new IllegalStateException("copy failed", new UncheckedIOException(new IOException("No space left on device")))))
                .isTrue();
        assertThat(DiskFull.caused(new InsufficientDiskSpaceException(Path.of("/tmp"), 0, "full", null))).isTrue();
    }

    @Test
    void otherFailuresAreNot() {
        assertThat(DiskFull.caused(new IOException("Input/output error"))).isFalse();
        assertThat(DiskFull.caused(new SQLiteException("[SQLITE_BUSY] The database file is locked (database is locked)",
                SQLiteErrorCode.SQLITE_BUSY))).isFalse();
        assertThat(DiskFull.caused(new SQLiteException("[SQLITE_NOTADB] File opened that is not a database file (file is not a database)",
                SQLiteErrorCode.SQLITE_NOTADB))).isFalse();
        assertThat(DiskFull.caused(new IOException("File too large"))).as("a file size limit is not a full disk").isFalse();
        assertThat(DiskFull.caused(new RuntimeException((String) null))).isFalse();
        assertThat(DiskFull.caused(null)).isFalse();
    }
}
