package io.offsite.backup.verify;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.offsite.backup.config.BackupProperties;
import io.offsite.worker.runtime.JobNameTags;
import org.springframework.stereotype.Component;

/**
 * {@code backup_verified} (backups proven restorable) and {@code backup_verification_failed} (alert on any increase),
 * tagged with job, series and source like the backup job's meters of the same names. Both exist from the start at 0
 * for each accepted job ({@code offsite.worker.accepted-jobs}) and configured source, under the source's series; the
 * {@code job} tag is bounded by {@link JobNameTags}.
 */
@Component
class VerifyMetrics {

    private final MeterRegistry registry;
    private final JobNameTags jobs;

    VerifyMetrics(MeterRegistry registry, BackupProperties backup, JobNameTags jobs) {
        this.registry = registry;
        this.jobs = jobs;
        jobs.registerAtZero(backup.sources().keySet(), (job, source) -> {
            VerifyTarget target = VerifyTarget.resolve(source, backup);
            verifiedCounter(job, target.prefix(), target.sourceTag());
            failedCounter(job, target.prefix(), target.sourceTag());
            notRestoredCounter(job, target.prefix(), target.sourceTag());
        });
    }

    void verified(String job, String series, String source) {
        verifiedCounter(jobs.of(job), series, source).increment();
    }

    void failed(String job, String series, String source) {
        failedCounter(jobs.of(job), series, source).increment();
    }

    void notRestored(String job, String series, String source) {
        notRestoredCounter(jobs.of(job), series, source).increment();
    }

    private Counter notRestoredCounter(String job, String series, String source) {
        return Counter.builder("backup_verified_not_restored")
                .description("Encrypted backups checked without an age identity: stored SHA-256 and age header sound, not restored")
                .tags("job", job, "series", series, "source", source).register(registry);
    }

    private Counter verifiedCounter(String job, String series, String source) {
        return Counter.builder("backup_verified").description("Backups whose stored bytes were re-read and matched, or that were proven restorable")
                .tags("job", job, "series", series, "source", source).register(registry);
    }

    private Counter failedCounter(String job, String series, String source) {
        return Counter.builder("backup_verification_failed").description("Backups that failed verification: alert on any increase")
                .tags("job", job, "series", series, "source", source).register(registry);
    }
}
