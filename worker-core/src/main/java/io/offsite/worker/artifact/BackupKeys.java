package io.offsite.worker.artifact;

import io.offsite.worker.integrity.Sha256;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * How the bucket is laid out, as every reader and writer of backups spells it: a series is a folder
 * ({@code backup-database/}); a backup is an object directly in it, {@code <series>/<prefix>-<instant>.<suffix><compression
 * extension>}, whose file name carries the instant it was taken for ({@link BackupNames}), e.g.
 * {@code backup-database/pokemon-data-2025-01-15T00-00-00.000Z.sqlite3.db.gz}; its sidecars are stored next to it under
 * its key plus a suffix ({@link ChecksumSidecar}, {@link VerifiedSidecar}); uploads in progress and run claims live in
 * folders outside every series.
 */
public final class BackupKeys {

    /** The checksum sidecar, {@code sha256sum} format: {@code <hex>  <file name>}. */
    public static final String SHA256_SUFFIX = ".sha256";
    /** The verification sidecar, JSON ({@link VerifiedSidecar}). */
    public static final String VERIFIED_SUFFIX = ".verified";
    /**
     * Appended after the compression extension of a backup encrypted with age (https://age-encryption.org/v1, X25519
     * recipients): {@code pokemon-data-2025-01-15T00-00-00.000Z.sqlite3.db.gz.age}; {@code age -d -i key.txt} reads it.
     */
    public static final String AGE_SUFFIX = ".age";
    /** Suffixes of the files that belong to a backup and go with it. */
    public static final List<String> SIDECAR_SUFFIXES = List.of(SHA256_SUFFIX, VERIFIED_SUFFIX);
    /** Where uploads are staged until they are published; never a backup. */
    public static final String STAGING_PREFIX = "_incoming/";
    /**
     * Run claims of the backup worker: {@code _runs/<sha256 of the run id>} records the keys a run stores, so that one
     * run id produces at most one backup. Never a backup: no listing of a series sees it, and rotation never deletes it.
     */
    public static final String RUNS_PREFIX = "_runs/";
    /** The folders the workers keep for themselves (staged uploads, run claims): never a series, nor inside one. */
    public static final List<String> INTERNAL_FOLDERS = List.of(STAGING_PREFIX, RUNS_PREFIX);

    private BackupKeys() {
    }

    /** A sidecar key split into the backup it belongs to and its suffix. */
    public record Sidecar(String backupKey, String suffix) {
    }

    /** The backup a sidecar key belongs to, or empty when the key is not a sidecar's. */
    public static Optional<Sidecar> sidecarOf(String key) {
        for (String suffix : SIDECAR_SUFFIXES) {
            if (key.endsWith(suffix) && key.length() > suffix.length()) {
                return Optional.of(new Sidecar(key.substring(0, key.length() - suffix.length()), suffix));
            }
        }
        return Optional.empty();
    }

    public static boolean isSidecar(String key) {
        return sidecarOf(key).isPresent();
    }

    /** Whether the key lies in a folder of the workers' own (staging, run claims) rather than in a series. */
    public static boolean isInternal(String key) {
        return key.startsWith(STAGING_PREFIX) || key.startsWith(RUNS_PREFIX);
    }

    /**
     * Whether a name starts like one of the workers' own folders, slash or not ({@code _incoming}, {@code _runsX}): a
     * series named so could be mistaken for one.
     */
    public static boolean startsLikeInternal(String name) {
        return INTERNAL_FOLDERS.stream().anyMatch(folder -> name.startsWith(folder.substring(0, folder.length() - 1)));
    }

    /** The object key of a backup taken for {@code instant}: {@code <series>/<file name>}. */
    public static String backupKey(String series, String filePrefix, Instant instant, String fileSuffix, String compressionExtension) {
        return series + "/" + backupFileName(filePrefix, instant, fileSuffix, compressionExtension);
    }

    /** The object key of a backup, encrypted ({@value #AGE_SUFFIX} after the compression extension) or not. */
    public static String backupKey(String series, String filePrefix, Instant instant, String fileSuffix, String compressionExtension,
                                   boolean encrypted) {
        return backupKey(series, filePrefix, instant, fileSuffix, compressionExtension) + (encrypted ? AGE_SUFFIX : "");
    }

    /** {@code <prefix>-<instant>.<suffix><compression extension>}, the instant as {@link BackupNames#stamp}. */
    public static String backupFileName(String filePrefix, Instant instant, String fileSuffix, String compressionExtension) {
        return filePrefix + "-" + BackupNames.stamp(instant) + fileSuffix + compressionExtension;
    }

    /** Whether a backup's key names it encrypted with age (it ends in {@value #AGE_SUFFIX}). */
    public static boolean isEncrypted(String backupKey) {
        return backupKey.endsWith(AGE_SUFFIX);
    }

    /** The key without its {@value #AGE_SUFFIX}: what the bytes are once decrypted ({@code ….sqlite3.db.gz}). */
    public static String withoutEncryption(String backupKey) {
        return isEncrypted(backupKey) ? backupKey.substring(0, backupKey.length() - AGE_SUFFIX.length()) : backupKey;
    }

    /** The claim object of a run id: {@value #RUNS_PREFIX} and the hex SHA-256 of the id's UTF-8 bytes. */
    public static String runClaimKey(String runId) {
        MessageDigest digest = Sha256.newDigest();
        digest.update(runId.getBytes(StandardCharsets.UTF_8));
        return RUNS_PREFIX + Sha256.hex(digest);
    }

    /** The folder part of a key ({@code ""} for a key at the top of the bucket). */
    public static String folderOf(String key) {
        int slash = key.lastIndexOf('/');
        return slash < 0 ? "" : key.substring(0, slash);
    }

    /** The file name part of a key. */
    public static String fileNameOf(String key) {
        return key.substring(key.lastIndexOf('/') + 1);
    }

    /** The listing prefix of a series folder: the folder with one trailing {@code /} ({@code ""}: the whole bucket). */
    public static String prefixOf(String folder) {
        return folder.isEmpty() || folder.endsWith("/") ? folder : folder + "/";
    }
}
