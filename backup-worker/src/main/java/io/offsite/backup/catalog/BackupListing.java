package io.offsite.backup.catalog;

import io.offsite.worker.artifact.StoredBackup;
import io.offsite.worker.artifact.BackupKeys;
import io.offsite.worker.artifact.BackupMetadata;
import io.offsite.worker.artifact.VerifiedSidecar;
import io.offsite.worker.storage.StoredObject;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** What {@code offsite backups} shows: each backup with its checksum and the result of its last verification. */
public final class BackupListing {

    /**
     * One backup; {@code sha256} from its metadata, {@code verification} from its {@code .verified} sidecar;
     * {@code encrypted} when its key or its metadata says it is encrypted with age.
     */
    public record Entry(StoredBackup backup, Optional<String> sha256, Optional<VerificationRecord> verification, boolean encrypted) {

        /**
         * {@code OK 2025-01-15T02:00:03Z}, {@code FAILED 2025-...: reason}, {@code encrypted, not restored 2025-...} or
         * {@code never}.
         */
        public String verificationState() {
            return verification.map(v -> v.outcome() == VerificationRecord.Outcome.ENCRYPTED_NOT_RESTORED
                    ? VerifiedSidecar.NOT_RESTORED_TEXT + " " + v.verifiedAt().truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
                    : v.outcome() + " " + v.verifiedAt().truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
                    + (v.isOk() ? "" : ": " + v.reason())).orElse("never");
        }

        /** {@code age} for a backup encrypted with age, {@code -} for one in clear. */
        public String encryption() {
            return encrypted ? BackupMetadata.AGE : "-";
        }
    }

    private final BackupCatalog catalog;

    public BackupListing(BackupCatalog catalog) {
        this.catalog = catalog;
    }

    /** The backups under a series ({@code ""}: all), by series, newest first; one listing plus a HEAD per backup. */
    public List<Entry> list(String series) throws IOException {
        List<StoredObject> objects = catalog.store().list(BackupKeys.prefixOf(series));
        Set<String> keys = new HashSet<>();
        objects.forEach(o -> keys.add(o.key()));
        List<StoredBackup> backups = new ArrayList<>();
        for (StoredObject o : objects) {
            StoredBackup.fromKey(o.key(), o.size()).ifPresent(backups::add);
        }
        backups.sort(Comparator.comparing(StoredBackup::series).thenComparing(StoredBackup::time, Comparator.reverseOrder()));
        List<Entry> entries = new ArrayList<>();
        for (StoredBackup backup : backups) {
            Optional<StoredObject> head = catalog.store().head(backup.key());
            Optional<String> sha256 = head.flatMap(h -> h.meta(BackupMetadata.SHA256));
            boolean encrypted = backup.encrypted() || head.map(h -> BackupMetadata.isEncrypted(h.metadata())).orElse(false);
            Optional<VerificationRecord> verification = keys.contains(backup.verifiedSidecarKey()) ? catalog.verification(backup) : Optional.empty();
            entries.add(new Entry(backup, sha256, verification, encrypted));
        }
        return entries;
    }

    /** A short age: {@code 45s}, {@code 12m}, {@code 5h 3m}, {@code 3d 4h}; {@code in the future} for clock skew. */
    public static String age(Instant taken, Instant now) {
        Duration d = Duration.between(taken, now);
        if (d.isNegative()) {
            return "in the future";
        }
        if (d.toMinutes() < 1) {
            return d.toSeconds() + "s";
        }
        if (d.toHours() < 1) {
            return d.toMinutes() + "m";
        }
        if (d.toDays() < 1) {
            return d.toHours() + "h " + d.toMinutesPart() + "m";
        }
        return d.toDays() + "d " + d.toHoursPart() + "h";
    }
}
