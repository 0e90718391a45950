package io.offsite.rotation.inventory;

import io.offsite.rotation.policy.BackupNames;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What a listing of one series' folder holds: backups (named with their timestamp) with their sidecars, sidecars
 * whose backup is gone, and everything else, which rotation leaves alone. Only objects directly in the folder
 * belong to the series; sub-folders (e.g. one per database) are series of their own.
 */
public final class SeriesInventory {

    /** Files stored next to a backup that belong to it: its checksum and its verification result. */
    public static final List<String> SIDECAR_SUFFIXES = List.of(".sha256", StoredBackup.VERIFIED_SUFFIX);

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
        Map<String, ListedObject> candidates = new LinkedHashMap<>();
        Map<String, List<ListedObject>> sidecarsByBackup = new LinkedHashMap<>();
        List<Ignored> ignored = new ArrayList<>();
        for (ListedObject object : listing) {
            String key = object.key();
            if (!key.startsWith(prefix)) {
                ignored.add(new Ignored(key, "outside the series folder " + prefix));
                continue;
            }
            String name = key.substring(prefix.length());
            if (name.isEmpty()) {
                ignored.add(new Ignored(key, "folder marker"));
            } else if (name.contains("/")) {
                ignored.add(new Ignored(key, "in a sub-folder"));
            } else {
                Optional<String> sidecarOf = sidecarOf(key);
                if (sidecarOf.isPresent()) {
                    sidecarsByBackup.computeIfAbsent(sidecarOf.get(), k -> new ArrayList<>()).add(object);
                } else {
                    candidates.put(key, object);
                }
            }
        }
        List<StoredBackup> backups = new ArrayList<>();
        for (ListedObject object : candidates.values()) {
            Optional<Instant> time = BackupNames.timestamp(object.key().substring(prefix.length()));
            if (time.isPresent()) {
                backups.add(new StoredBackup(object.key(), time.get(), object.size(),
                        sidecarsByBackup.getOrDefault(object.key(), List.of())));
            } else {
                ignored.add(new Ignored(object.key(), "no backup timestamp in its name"));
            }
        }
        Set<String> backupKeys = new HashSet<>();
        backups.forEach(b -> backupKeys.add(b.key()));
        List<ListedObject> orphans = new ArrayList<>();
        for (Map.Entry<String, List<ListedObject>> e : sidecarsByBackup.entrySet()) {
            if (backupKeys.contains(e.getKey())) {
                continue;
            }
            if (BackupNames.timestamp(e.getKey().substring(prefix.length())).isPresent()) {
                orphans.addAll(e.getValue());
            } else {
                e.getValue().forEach(o -> ignored.add(new Ignored(o.key(), "sidecar of an object that is not a backup")));
            }
        }
        return new SeriesInventory(prefix, backups, orphans, ignored);
    }

    private static Optional<String> sidecarOf(String key) {
        return SIDECAR_SUFFIXES.stream().filter(key::endsWith).findFirst().map(s -> key.substring(0, key.length() - s.length()));
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
