package io.offsite.backup.readback;

/**
 * The backup itself is bad: its bytes do not match the recorded checksum, it does not decompress, or the snapshot
 * inside fails its integrity check. Retrying does not help; another backup might.
 */
public class BackupDefectException extends RestoreException {

    public BackupDefectException(String message) {
        super(message);
    }

    public BackupDefectException(String message, Throwable cause) {
        super(message, cause);
    }
}
