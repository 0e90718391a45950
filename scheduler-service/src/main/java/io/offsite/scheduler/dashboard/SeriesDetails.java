package io.offsite.scheduler.dashboard;

import io.offsite.scheduler.inventory.TrackedSeries;
import io.offsite.worker.artifact.ListedObject;
import io.offsite.worker.artifact.SeriesInventory;
import io.offsite.worker.artifact.SeriesListing;
import io.offsite.worker.artifact.StoredBackup;
import io.offsite.worker.artifact.VerifiedSidecar;
import io.offsite.worker.storage.ObjectStore;
import io.offsite.worker.storage.StorageException;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Each backup of a series and its verification state, for the dashboard. The scheduler's inventory keeps only each
 * backup's time and size and the series' newest verification; the state of every backup is in its {@code .verified}
 * sidecar, so this lists the folder itself, with the classes the rotation worker lists with. It lists on demand (only
 * while the dashboard is open), at most once per series per {@code refresh}, and reads a sidecar only when it is new
 * or changed. Read only, like the inventory.
 */
final class SeriesDetails {

    private static final Logger log = LoggerFactory.getLogger(SeriesDetails.class);

    private final ObjectStore store;
    private final Duration refresh;
    private final Clock clock;
    private final Map<String, SeriesSnapshot> snapshots = new HashMap<>();
    private final Map<String, CachedSidecar> sidecars = new HashMap<>();

    SeriesDetails(ObjectStore store, Duration refresh, Clock clock) {
        this.store = store;
        this.refresh = refresh;
        this.clock = clock;
    }

    /** The series as of its latest listing, listed again first when that is older than {@code refresh}. */
    synchronized SeriesSnapshot snapshot(TrackedSeries series) {
        SeriesSnapshot last = snapshots.get(series.name());
        Instant now = clock.instant();
        if (last != null && last.listedAt() != null && last.error() == null && Duration.between(last.listedAt(), now).compareTo(refresh) < 0) {
            return last;
        }
        SeriesSnapshot fresh;
        try {
            SeriesInventory.Builder listing = new SeriesInventory.Builder(series.prefix());
            SeriesListing.list(store, series.prefix(), listing);
            fresh = snapshotOf(series, now, listing.build());
        } catch (StorageException e) {
            log.warn("Dashboard: cannot list series {} ({}): {}", series.name(), series.prefix(), e.getMessage());
            fresh = last == null
                    ? new SeriesSnapshot(series.name(), series.prefix(), null, List.of(), 0, 0, e.getMessage())
                    : new SeriesSnapshot(last.series(), last.prefix(), last.listedAt(), last.backups(), last.orphanSidecars(),
                            last.ignored(), e.getMessage());
        }
        snapshots.put(series.name(), fresh);
        return fresh;
    }

    private SeriesSnapshot snapshotOf(TrackedSeries series, Instant listedAt, SeriesInventory inventory) {
        List<StoredBackup> newestFirst = new ArrayList<>(inventory.backups());
        newestFirst.sort(Comparator.comparing(StoredBackup::time).thenComparing(StoredBackup::key).reversed());
        List<BackupEntry> backups = new ArrayList<>(newestFirst.size());
        Set<String> seen = new HashSet<>();
        for (StoredBackup b : newestFirst) {
            BackupEntry.Verification verification = b.verification().map(this::verification).orElse(BackupEntry.Verification.none());
            b.verification().ifPresent(s -> seen.add(s.key()));
            String name = b.key().startsWith(series.prefix()) ? b.key().substring(series.prefix().length()) : b.key();
            backups.add(new BackupEntry(b.key(), name, b.time(), b.size(), verification));
        }
        // forget sidecars that are gone, so the cache never outgrows the bucket
        sidecars.keySet().removeIf(key -> key.startsWith(series.prefix()) && !seen.contains(key));
        return new SeriesSnapshot(series.name(), series.prefix(), listedAt, backups, inventory.orphanSidecars().size(),
                inventory.ignored().size(), null);
    }

    /**
     * What a {@code .verified} sidecar says, read only when it is new or changed; a store failure fails the listing. An
     * unreadable one is read again next time (the read may have failed on the way).
     */
    private BackupEntry.Verification verification(ListedObject sidecar) {
        CachedSidecar cached = sidecars.get(sidecar.key());
        if (cached != null && Objects.equals(cached.lastModified, sidecar.lastModified())) {
            return cached.verification;
        }
        BackupEntry.Verification verification;
        try (InputStream in = store.open(sidecar.key())) {
            VerifiedSidecar read = VerifiedSidecar.read(in);
            Instant at = read.verifiedAt() != null ? read.verifiedAt() : sidecar.lastModified();
            verification = read.ok() ? new BackupEntry.Verification(BackupEntry.Verification.OK, at, null)
                    : read.notRestored() ? new BackupEntry.Verification(BackupEntry.Verification.ENCRYPTED_NOT_RESTORED, at, VerifiedSidecar.NOT_RESTORED_TEXT)
                    : new BackupEntry.Verification(BackupEntry.Verification.FAILED, at, read.reason());
        } catch (IOException e) {
            verification = new BackupEntry.Verification(BackupEntry.Verification.UNREADABLE, sidecar.lastModified(),
                    "the verification result " + sidecar.key() + " cannot be read: " + e.getMessage());
        }
        if (!BackupEntry.Verification.UNREADABLE.equals(verification.state())) {
            sidecars.put(sidecar.key(), new CachedSidecar(sidecar.lastModified(), verification)); // unreadable: tried again
        }
        return verification;
    }

    private record CachedSidecar(Instant lastModified, BackupEntry.Verification verification) {
    }
}
