package io.offsite.worker.artifact;

import io.offsite.worker.storage.ObjectStore;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;

/**
 * The {@code <key>.sha256} sidecar: the SHA-256 of the stored bytes in {@code sha256sum} format,
 * {@code <hex>  <file name>\n}, so {@code sha256sum -c} checks a downloaded backup.
 */
public final class ChecksumSidecar {

    public static final String CONTENT_TYPE = "text/plain";
    /** How much of a sidecar is read: the line is about a hundred bytes. */
    public static final int MAX_BYTES = 4096;

    private ChecksumSidecar() {
    }

    public static String keyOf(String backupKey) {
        return backupKey + BackupKeys.SHA256_SUFFIX;
    }

    /** The sidecar's content for a backup with this key. */
    public static byte[] content(String backupKey, String sha256) {
        return (sha256 + "  " + BackupKeys.fileNameOf(backupKey) + "\n").getBytes(StandardCharsets.UTF_8);
    }

    /** Stores the sidecar of {@code backupKey}, recording the run that wrote it. */
    public static void write(ObjectStore store, String backupKey, String sha256, String runId) {
        store.putSmall(keyOf(backupKey), content(backupKey, sha256), CONTENT_TYPE, BackupMetadata.ofRun(runId));
    }

    /** The checksum a sidecar's content names (lower case); empty when its first word is no SHA-256. */
    public static Optional<String> parse(byte[] content) {
        String text = new String(content, StandardCharsets.UTF_8).strip();
        String first = text.isEmpty() ? "" : text.split("\\s+")[0].toLowerCase(Locale.ROOT);
        return first.matches("[0-9a-f]{64}") ? Optional.of(first) : Optional.empty();
    }

    /** The checksum the sidecar of {@code backupKey} names; empty when there is no sidecar or it names none. */
    public static Optional<String> read(ObjectStore store, String backupKey) throws IOException {
        String sidecar = keyOf(backupKey);
        if (store.head(sidecar).isEmpty()) {
            return Optional.empty();
        }
        try (InputStream in = store.open(sidecar)) {
            return parse(in.readNBytes(MAX_BYTES));
        }
    }
}
