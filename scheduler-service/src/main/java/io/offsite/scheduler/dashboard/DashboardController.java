package io.offsite.scheduler.dashboard;

import io.offsite.scheduler.jobs.JobType;
import io.offsite.scheduler.inventory.BackupInventory;
import io.offsite.scheduler.inventory.TrackedSeries;
import io.offsite.scheduler.jobs.JobCatalog;
import io.offsite.scheduler.jobs.JobDefinition;
import io.offsite.scheduler.runs.Series;
import io.offsite.worker.retention.RetentionPolicy;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * What the dashboard shows of each series the scheduler tracks: every backup with its size and verification state,
 * and a dry run of its next rotation. Behind the API token like the rest of {@code /api}.
 */
@RestController
class DashboardController {

    private final BackupInventory inventory;
    private final JobCatalog catalog;
    private final SeriesDetails details;
    private final Map<String, RetentionPolicy> policies;

    DashboardController(BackupInventory inventory, JobCatalog catalog, SeriesDetails details, DashboardPolicies policies) {
        this.inventory = inventory;
        this.catalog = catalog;
        this.details = details;
        this.policies = policies.bySeries();
    }

    @GetMapping("/api/v1/dashboard/series")
    List<SeriesResponse> series() {
        List<SeriesResponse> all = new ArrayList<>();
        for (TrackedSeries series : inventory.series()) {
            SeriesSnapshot snapshot = details.snapshot(series);
            List<RotationJob> rotations = rotationJobs(series.name());
            RetentionPolicy policy = policies.get(series.name());
            RetentionPreview preview = policy == null
                    ? RetentionPreview.unavailable("the scheduler is not told the rotation policy of series '" + series.name()
                            + "': it lives in the rotation worker's settings (offsite.rotation.series); copy it to "
                            + "offsite.scheduler.dashboard.retention." + series.name() + " to preview rotations here")
                    : RetentionPreview.of(policy, snapshot);
            all.add(new SeriesResponse(series.name(), series.prefix(), snapshot.listedAt(), snapshot.error(), snapshot.backups().size(),
                    snapshot.backups().stream().mapToLong(BackupEntry::sizeBytes).sum(), snapshot.orphanSidecars(), snapshot.ignored(),
                    snapshot.backups(), rotations, preview));
        }
        return all;
    }

    private List<RotationJob> rotationJobs(String series) {
        List<RotationJob> jobs = new ArrayList<>();
        for (JobDefinition job : catalog.all()) {
            if (job.type() == JobType.ROTATION && Series.ofVerification(job.name(), job.parameters()).equals(series)) {
                jobs.add(new RotationJob(job.name(), "true".equalsIgnoreCase(job.parameters().getOrDefault("dryRun", "false").strip())));
            }
        }
        return jobs;
    }

    /**
     * One series.
     *
     * @param listedAt       when the listing shown started; null while the series could not be listed
     * @param error          why the latest listing failed, when it did
     * @param backups        newest first
     * @param rotationJobs   the jobs that rotate it (a job with {@code dryRun=true} deletes nothing)
     * @param retention      what its next rotation would keep and delete
     */
    record SeriesResponse(String series, String prefix, Instant listedAt, String error, int count, long totalSizeBytes,
            int orphanSidecars, int ignored, List<BackupEntry> backups, List<RotationJob> rotationJobs, RetentionPreview retention) {
    }

    record RotationJob(String job, boolean dryRun) {
    }
}
