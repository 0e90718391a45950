package io.offsite.worker.artifact;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything a listing of one series' folder holds: backups (named with their timestamp) with their sidecars, sidecars
 * whose backup is gone, and everything else, which rotation leaves alone. Keeps every object: for a reader that acts
 * on each of them (rotation); a reader that needs less folds {@link SeriesListing} itself.
 */
public final class SeriesInventory {

    /**
     * An object rotation does not touch, and why.
     */
    public record Ignored(String key, String reason) {
    }

    private final String prefix;
    private final List<StoredBackup> backups;
    private final List<ListedObject> orphanSidecars;
    private final List<Ignored> ignored;

    private SeriesInventory(String prefix, List<StoredBackup> backups, List<ListedObject> orphanSidecars, List<Ignored> ignored) {
        this.prefix = prefix;
        this.backups = List.copyOf(backups);
        this.orphanSidecars = List.copyOf(orphanSidecars);
        this.ignored = List.copyOf(ignored);
    }

    /** Sorts a listing of {@code prefix} (a folder, ending with {@code /}) into backups, sidecars and the rest. */
    public static SeriesInventory of(String prefix, Collection<ListedObject> listing) {
        Builder builder = new Builder(prefix);
        listing.forEach(builder::add);
        return builder.build();
    }

    /** Collects a listing object by object (page by page). */
    public static final class Builder implements SeriesListing.Visitor {

        private final String prefix;
        private final Map<String, ListedObject> candidates = new LinkedHashMap<>();
        private final Map<String, Instant> times = new LinkedHashMap<>();
        private final Map<String, List<ListedObject>> sidecarsByBackup = new LinkedHashMap<>();
        private final List<Ignored> ignored = new ArrayList<>();

        public Builder(String prefix) {
            this.prefix = prefix;
        }

        public void add(ListedObject object) {
            SeriesListing.classify(prefix, object, this);
        }

        @Override
        public void backup(ListedObject object, Instant time) {
            candidates.put(object.key(), object);
            times.put(object.key(), time);
        }

        @Override
        public void sidecar(ListedObject object, BackupKeys.Sidecar sidecar) {
            sidecarsByBackup.computeIfAbsent(sidecar.backupKey(), k -> new ArrayList<>()).add(object);
        }

        @Override
        public void ignored(ListedObject object, String reason) {
            ignored.add(new Ignored(object.key(), reason));
        }

        public SeriesInventory build() {
            List<StoredBackup> backups = new ArrayList<>();
            for (ListedObject object : candidates.values()) {
                backups.add(new StoredBackup(object.key(), times.get(object.key()), object.size(),
                        sidecarsByBackup.getOrDefault(object.key(), List.of())));
            }
            List<Ignored> all = new ArrayList<>(ignored);
            List<ListedObject> orphans = new ArrayList<>();
            for (Map.Entry<String, List<ListedObject>> e : sidecarsByBackup.entrySet()) {
                if (candidates.containsKey(e.getKey())) {
                    continue;
                }
                if (SeriesListing.backupTime(prefix, e.getKey()).isPresent()) {
                    orphans.addAll(e.getValue());
                } else {
                    e.getValue().forEach(o -> all.add(new Ignored(o.key(), "sidecar of an object that is not a backup")));
                }
            }
            return new SeriesInventory(prefix, backups, orphans, all);
        }
    }

    public String prefix() {
        return prefix;
    }

    public List<StoredBackup> backups() {
        return backups;
    }

    /** Sidecars of backups that no longer exist (left by an earlier rotation whose sidecar delete failed). */
    public List<ListedObject> orphanSidecars() {
        return orphanSidecars;
    }

    public List<Ignored> ignored() {
        return ignored;
    }

    /** Bytes held by the backups and their sidecars. */
    public long totalBytes() {
        return backups.stream().mapToLong(StoredBackup::bytes).sum();
    }
}
