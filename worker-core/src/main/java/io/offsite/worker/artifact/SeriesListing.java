package io.offsite.worker.artifact;

import java.time.Instant;
import java.util.Optional;

/**
 * Sorts the objects of a listing of one series folder, one at a time and keeping nothing, so a listing of any size
 * can be folded page by page: a backup (directly in the folder, its file name carrying a timestamp), a sidecar of
 * some key, or something a series reader leaves alone, with the reason. Only objects directly in the folder belong
 * to the series; sub-folders (e.g. one per database) are series of their own.
 *
 * <p>Whether a sidecar's backup exists is known only once the whole listing is read; {@link SeriesInventory} is the
 * reader that keeps everything, and other readers keep what they need.
 */
public final class SeriesListing {

    /** What one listed object is. */
    public interface Visitor {

        /** A backup taken for {@code time}. */
        void backup(ListedObject object, Instant time);

        /** A sidecar of {@code backupKey}, which may or may not be a backup of the listing. */
        void sidecar(ListedObject object, BackupKeys.Sidecar sidecar);

        /** Something else, and why it is no backup. */
        void ignored(ListedObject object, String reason);
    }

    private SeriesListing() {
    }

    /** Tells {@code visitor} what {@code object}, listed under {@code prefix} (a folder ending with {@code /}), is. */
    public static void classify(String prefix, ListedObject object, Visitor visitor) {
        String key = object.key();
        if (!key.startsWith(prefix)) {
            visitor.ignored(object, "outside the series folder " + prefix);
            return;
        }
        String name = key.substring(prefix.length());
        if (name.isEmpty()) {
            visitor.ignored(object, "folder marker");
        } else if (name.contains("/")) {
            visitor.ignored(object, "in a sub-folder");
        } else {
            Optional<BackupKeys.Sidecar> sidecar = BackupKeys.sidecarOf(key);
            if (sidecar.isPresent()) {
                visitor.sidecar(object, sidecar.get());
                return;
            }
            Optional<Instant> time = BackupNames.timestamp(name);
            if (time.isPresent()) {
                visitor.backup(object, time.get());
            } else {
                visitor.ignored(object, "no backup timestamp in its name");
            }
        }
    }

    /**
     * Lists the series under {@code prefix} (all pages) and tells {@code visitor} what each object is, page by page.
     * Throws a {@link io.offsite.worker.storage.StorageException} when the listing cannot be read to its end: the
     * visitor has then seen only part of the series and must not take it for all of it.
     */
    public static void list(io.offsite.worker.storage.ObjectStore store, String prefix, Visitor visitor) {
        store.list(prefix, o -> classify(prefix, new ListedObject(o.key(), o.size(), o.lastModified()), visitor));
    }

    /** The instant of a backup of the series under {@code prefix} with this key; empty for any other key. */
    public static Optional<Instant> backupTime(String prefix, String key) {
        if (!key.startsWith(prefix) || BackupKeys.isSidecar(key)) {
            return Optional.empty();
        }
        String name = key.substring(prefix.length());
        return name.isEmpty() || name.contains("/") ? Optional.empty() : BackupNames.timestamp(name);
    }
}
