package io.offsite.scheduler.dashboard;

import java.time.Instant;
import java.util.List;

/**
 * One complete listing of a series folder, backup by backup, for the dashboard.
 *
 * @param series       the series name
 * @param prefix       its folder
 * @param listedAt     when the listing shown started; null when the series could not be listed yet
 * @param backups      newest first
 * @param orphanSidecars sidecars whose backup is gone (a rotation deletes them)
 * @param ignored      objects in the folder that are neither backups nor sidecars
 * @param error        why the latest listing failed, when it did (the backups are then those of the listing before)
 */
public record SeriesSnapshot(String series, String prefix, Instant listedAt, List<BackupEntry> backups, int orphanSidecars,
        int ignored, String error) {

    public SeriesSnapshot {
        backups = List.copyOf(backups);
    }
}
