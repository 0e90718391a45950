package io.offsite.worker.artifact;

import io.offsite.worker.integrity.Sha256;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The user metadata stored with a backup object and its sidecars, as every writer and reader spells it. A backup
 * carries {@link #SHA256} (of the stored bytes), {@link #SOURCE_SHA256} and {@link #SOURCE_BYTES} (of the snapshot
 * before compression), {@link #COMPRESSION}, {@link #RUN_ID}, {@link #SOURCE} and {@link #CREATED_AT} (the instant
 * the run was scheduled for); its {@code .sha256} sidecar and a run claim carry {@link #RUN_ID}; a {@code .verified}
 * sidecar carries {@link #OUTCOME}.
 */
public final class BackupMetadata {

    /** Lower-case hex SHA-256 of the stored (compressed) bytes. */
    public static final String SHA256 = "sha256";
    /** Lower-case hex SHA-256 of the snapshot before compression. */
    public static final String SOURCE_SHA256 = "source-sha256";
    /** Size of the snapshot before compression, in bytes. */
    public static final String SOURCE_BYTES = "source-bytes";
    /** The compression id ({@code gzip}, {@code zstd}, {@code none}). */
    public static final String COMPRESSION = "compression";
    /** The run that stored the object. */
    public static final String RUN_ID = "run-id";
    /** The configured source the backup was taken of. */
    public static final String SOURCE = "source";
    /** The instant the run was scheduled for, ISO-8601. */
    public static final String CREATED_AT = "created-at";
    /** On an encrypted backup: how, {@value #AGE}; absent on a backup stored in clear. */
    public static final String ENCRYPTION = "encryption";
    /** The value of {@link #ENCRYPTION} for age (X25519 recipients). */
    public static final String AGE = "age";
    /**
     * On an encrypted backup: the fingerprints ({@link #fingerprint}) of the recipients it was encrypted to, comma
     * separated; never key material, and enough to tell which identity opens it.
     */
    public static final String RECIPIENTS = "recipients";
    /** On a {@code .verified} sidecar: the verification's outcome, {@code OK} or {@code FAILED}. */
    public static final String OUTCOME = "outcome";

    /** Every metadata key of the format. */
    public static final List<String> KEYS = List.of(SHA256, SOURCE_SHA256, SOURCE_BYTES, COMPRESSION, RUN_ID, SOURCE, CREATED_AT, ENCRYPTION, RECIPIENTS,
            OUTCOME);

    private BackupMetadata() {
    }

    /** The metadata a backup object is published with, in the order it is written. */
    public static Map<String, String> ofBackup(String storedSha256, String sourceSha256, long sourceBytes, String compression,
                                               String runId, String source, Instant createdAt) {
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put(SHA256, storedSha256);
        metadata.put(SOURCE_SHA256, sourceSha256);
        metadata.put(SOURCE_BYTES, Long.toString(sourceBytes));
        metadata.put(COMPRESSION, compression);
        metadata.put(RUN_ID, runId);
        metadata.put(SOURCE, source);
        metadata.put(CREATED_AT, createdAt.toString());
        return metadata;
    }

    /**
     * The metadata of a backup encrypted with age to {@code recipients} ({@code age1…} strings): {@code metadata} and
     * {@link #ENCRYPTION}={@value #AGE}, {@link #RECIPIENTS}=their fingerprints.
     */
    public static Map<String, String> encrypted(Map<String, String> metadata, List<String> recipients) {
        Map<String, String> all = new LinkedHashMap<>(metadata);
        all.put(ENCRYPTION, AGE);
        all.put(RECIPIENTS, String.join(",", recipients.stream().map(BackupMetadata::fingerprint).toList()));
        return all;
    }

    /**
     * The fingerprint of a recipient as the metadata records it: the first 16 hex digits of the SHA-256 of the recipient
     * string ({@code age1…}, stripped). {@code bin/offsite backups} and restore errors show it.
     */
    public static String fingerprint(String recipient) {
        MessageDigest digest = Sha256.newDigest();
        digest.update(recipient.strip().getBytes(StandardCharsets.UTF_8));
        return Sha256.hex(digest).substring(0, 16);
    }

    /** The recipient fingerprints a backup's metadata names (empty when it names none). */
    public static List<String> recipientsOf(Map<String, String> metadata) {
        String value = metadata.getOrDefault(RECIPIENTS, "");
        return value.isBlank() ? List.of() : List.of(value.strip().split("\\s*,\\s*"));
    }

    /** Whether a backup's metadata says it is encrypted (with age). */
    public static boolean isEncrypted(Map<String, String> metadata) {
        return AGE.equalsIgnoreCase(metadata.getOrDefault(ENCRYPTION, "").strip());
    }

    /** The metadata of an object that only records the run that wrote it (a checksum sidecar, a run claim). */
    public static Map<String, String> ofRun(String runId) {
        return Map.of(RUN_ID, runId);
    }
}
