package io.offsite.scheduler.api;

import io.offsite.scheduler.runs.Scheduler;
import io.offsite.scheduler.runs.SeriesStats;
import java.util.List;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

@RestController
class BackupStatsController {

    private final Scheduler scheduler;

    BackupStatsController(Scheduler scheduler) {
        this.scheduler = scheduler;
    }

    /** Backups per series, from the artifacts of SUCCEEDED backup completions. */
    @GetMapping("/api/v1/backups/stats")
    BackupStats stats() {
        List<SeriesStats> series = scheduler.backupStats();
        return new BackupStats(series.stream().mapToInt(SeriesStats::count).sum(),
                series.stream().mapToLong(SeriesStats::totalSizeBytes).sum(), series);
    }

    record BackupStats(int count, long totalSizeBytes, List<SeriesStats> series) {
    }
}
