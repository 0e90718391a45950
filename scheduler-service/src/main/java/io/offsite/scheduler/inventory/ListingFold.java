package io.offsite.scheduler.inventory;

import io.offsite.worker.artifact.BackupKeys;
import io.offsite.worker.artifact.ListedObject;
import io.offsite.worker.artifact.SeriesListing;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Folds a listing of one series, object by object as the pages arrive, into what the inventory keeps: each
 * backup's time and size, and the verification sidecars (only those, and only until the listing ends) to find the
 * newest one. Nothing else of an object outlives its page.
 */
public final class ListingFold implements SeriesListing.Visitor {

    private final Map<String, Held> backups = new HashMap<>();
    private final Map<String, ListedObject> verifications = new HashMap<>();
    private long ignored;

    @Override
    public void backup(ListedObject object, Instant time) {
        backups.put(object.key(), new Held(time.toEpochMilli(), object.size()));
    }

    @Override
    public void sidecar(ListedObject object, BackupKeys.Sidecar sidecar) {
        if (BackupKeys.VERIFIED_SUFFIX.equals(sidecar.suffix())) {
            verifications.put(sidecar.backupKey(), object);
        }
    }

    @Override
    public void ignored(ListedObject object, String reason) {
        ignored++;
    }

    public Map<String, Held> backups() {
        return backups;
    }

    public long ignored() {
        return ignored;
    }

    /**
     * The verification sidecar written last among those whose backup was listed (by the store's last-modified time,
     * then by the backup's time); sidecars of backups that are gone say nothing about the series any more.
     */
    public Optional<ListedObject> newestVerification() {
        ListedObject newest = null;
        long newestBackup = Long.MIN_VALUE;
        for (Map.Entry<String, ListedObject> e : verifications.entrySet()) {
            Held backup = backups.get(e.getKey());
            if (backup == null) {
                continue;
            }
            ListedObject sidecar = e.getValue();
            int order = newest == null ? 1 : compare(sidecar.lastModified(), newest.lastModified());
            if (order > 0 || (order == 0 && backup.takenAtMillis() > newestBackup)) {
                newest = sidecar;
                newestBackup = backup.takenAtMillis();
            }
        }
        return Optional.ofNullable(newest);
    }

    private static int compare(Instant a, Instant b) {
        Instant x = a == null ? Instant.EPOCH : a;
        Instant y = b == null ? Instant.EPOCH : b;
        return x.compareTo(y);
    }
}
