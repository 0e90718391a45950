package io.offsite.backup.catalog;

import io.offsite.backup.readback.RestoreException;
import io.offsite.worker.artifact.BackupKeys;
import io.offsite.worker.artifact.StoredBackup;
import io.offsite.worker.artifact.VerifiedSidecar;
import io.offsite.worker.storage.ObjectStore;
import io.offsite.worker.storage.StoredObject;
import java.io.IOException;
import java.util.List;
import java.util.Optional;

/** The backups in the bucket and their sidecars: what the verify job, {@code offsite backups} and {@code offsite restore} read. */
public final class BackupCatalog {

    private final ObjectStore store;

    public BackupCatalog(ObjectStore store) {
        this.store = store;
    }

    public ObjectStore store() {
        return store;
    }

    /** Every backup under a series folder ({@code ""}: the whole bucket); sidecars and staging objects left out. */
    public List<StoredBackup> list(String series) {
        return store.list(BackupKeys.prefixOf(series)).stream()
                .flatMap(o -> StoredBackup.fromKey(o.key(), o.size()).stream())
                .toList();
    }

    /** The backup with this key, when it exists. */
    public Optional<StoredBackup> find(String key) {
        return store.head(key).flatMap(o -> StoredBackup.fromKey(o.key(), o.size()));
    }

    /** The object with its metadata. */
    public StoredObject head(StoredBackup backup) {
        return store.head(backup.key()).orElseThrow(() -> new RestoreException("backup " + backup.key()
                + " disappeared while it was being read (deleted by rotation?); list the backups again and pick another"));
    }

    /** The last verification of a backup, if it was ever verified. */
    public Optional<VerificationRecord> verification(StoredBackup backup) throws IOException {
        return VerifiedSidecar.Document.fetch(store, backup.key()).map(VerificationRecord::of);
    }

    /** Stores the verification result next to the backup, replacing an earlier one. */
    public void record(VerificationRecord record) {
        record.document().write(store);
    }
}
