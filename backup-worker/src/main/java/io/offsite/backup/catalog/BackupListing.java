package io.offsite.backup.catalog;

import io.offsite.worker.artifact.StoredBackup;
import io.offsite.worker.artifact.BackupKeys;
import io.offsite.worker.artifact.BackupMetadata;
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

    /** One backup; {@code sha256} from its metadata, {@code verification} from its {@code .verified} sidecar. */
    public record Entry(StoredBackup backup, Optional<String> sha256, Optional<VerificationRecord> verification) {

        /** {@code OK 2025-01-15T02:00:03Z}, {@code FAILED 2025-...: reason}, or {@code never}. */
        public String verificationState() {
            return verification.map(v -> v.outcome() + " " + v.verifiedAt().truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
                    + (v.isOk() ? "" : ": " + v.reason())).orElse("never");
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
            Optional<String> sha256 = catalog.store().head(backup.key()).flatMap(h -> h.meta(BackupMetadata.SHA256));
            Optional<VerificationRecord> verification = keys.contains(backup.verifiedSidecarKey()) ? catalog.verification(backup) : Optional.empty();
            entries.add(new Entry(backup, sha256, verification));
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
