package io.offsite.scheduler.inventory;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One complete listing of a series folder, as the inventory keeps it.
 *
 * @param backups  by key
 * @param verdict  what the newest verification sidecar of a listed backup says, if there is one
 * @param ignored  objects in the folder that are neither backups nor sidecars (reported, not counted)
 */
public record Listing(Map<String, Held> backups, Optional<Verdict> verdict, long ignored) {

    public Listing {
        Objects.requireNonNull(backups, "backups");
        Objects.requireNonNull(verdict, "verdict");
    }
}
