package io.offsite.scheduler.api;

import io.offsite.scheduler.inventory.BackupInventory;
import io.offsite.scheduler.inventory.SeriesStats;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

@RestController
class BackupStatsController {

    private final BackupInventory inventory;
    private final Clock clock;

    BackupStatsController(BackupInventory inventory, Clock clock) {
        this.inventory = inventory;
        this.clock = clock;
    }

    /**
     * Backups per series, from the inventory of the bucket: its last listing of each series, kept current by the
     * completions seen since. {@code listedAt} is the oldest of the series' last complete listings (null while one
     * was never listed).
     */
    @GetMapping("/api/v1/backups/stats")
    BackupStats stats() {
        Instant now = clock.instant();
        List<SeriesStats> series = inventory.views().stream().map(v -> SeriesStats.of(v, now)).toList();
        Instant listedAt = series.stream().anyMatch(s -> s.listedAt() == null) ? null
                : series.stream().map(SeriesStats::listedAt).min(Instant::compareTo).orElse(null);
        return new BackupStats(series.stream().mapToInt(SeriesStats::count).sum(),
                series.stream().mapToLong(SeriesStats::totalSizeBytes).sum(), listedAt, series);
    }

    record BackupStats(int count, long totalSizeBytes, Instant listedAt, List<SeriesStats> series) {
    }
}
