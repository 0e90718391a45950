package io.offsite.backup.job;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.offsite.backup.config.BackupProperties;
import io.offsite.worker.runtime.JobNameTags;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.stereotype.Component;

/**
 * The original's backup metrics ({@code backup_created}, {@code backup_size_bytes}, {@code backup_verified}) and more,
 * per job and source. Prometheus reserves the {@code _created} suffix (OpenMetrics' counter creation time) and its
 * client strips it, so the original's {@code backup_created} counter is registered as {@code backup_created_count},
 * exported as {@code backup_created_count_total}.
 *
 * <p>Every meter exists from the start at 0 for each accepted job ({@code offsite.worker.accepted-jobs}) and
 * configured source; the {@code job} tag is bounded by {@link JobNameTags}.
 */
@Component
class BackupMetrics {

    private final MeterRegistry registry;
    private final BackupProperties properties;
    private final JobNameTags jobs;
    private final Map<Tags, AtomicLong> sizes = new ConcurrentHashMap<>();
    private final Map<Tags, AtomicLong> sourceSizes = new ConcurrentHashMap<>();

    BackupMetrics(MeterRegistry registry, BackupProperties properties, JobNameTags jobs) {
        this.registry = registry;
        this.properties = properties;
        this.jobs = jobs;
        jobs.registerAtZero(properties.sources().keySet(), (job, source) -> {
            Tags tags = Tags.of("job", job, "source", source);
            created(tags);
            size(tags);
            sourceSize(tags);
            duration(tags);
            verifiedCounter(job, source);
            verificationFailedCounter(job, source);
        });
    }

    void created(String job, String source, long storedBytes, long sourceBytes, Duration took) {
        Tags tags = Tags.of("job", jobs.of(job), "source", source);
        created(tags).increment();
        size(tags).set(storedBytes);
        sourceSize(tags).set(sourceBytes);
        duration(tags).record(took);
    }

    void verified(String job, String source) {
        verifiedCounter(jobs.of(job), source).increment();
    }

    void verificationFailed(String job, String source) {
        verificationFailedCounter(jobs.of(job), source).increment();
    }

    private Counter created(Tags tags) {
        return Counter.builder("backup_created_count").description("Successful backups (the original's backup_created)").tags(tags).register(registry);
    }

    private AtomicLong size(Tags tags) {
        return gauge("backup_size_bytes", "Size of the last stored backup", tags, sizes);
    }

    private AtomicLong sourceSize(Tags tags) {
        return gauge("backup_source_size_bytes", "Size of the last snapshot before compression", tags, sourceSizes);
    }

    private Timer duration(Tags tags) {
        return Timer.builder("backup_duration").description("Duration of successful backups").tags(tags).register(registry);
    }

    private Counter verifiedCounter(String job, String source) {
        return Counter.builder("backup_verified").description("Backups whose stored bytes were re-read and matched, or that were proven restorable")
                .tags("job", job, "series", series(source), "source", source).register(registry);
    }

    private Counter verificationFailedCounter(String job, String source) {
        return Counter.builder("backup_verification_failed").description("Backups that failed verification: alert on any increase")
                .tags("job", job, "series", series(source), "source", source).register(registry);
    }

    /** The series of a source: the verify job counts under the same tag keys (Prometheus needs one set per name). */
    private String series(String source) {
        var config = properties.sources().get(source);
        return config == null ? "" : config.series();
    }

    private AtomicLong gauge(String name, String description, Tags tags, Map<Tags, AtomicLong> values) {
        return values.computeIfAbsent(tags, t -> {
            AtomicLong value = new AtomicLong();
            Gauge.builder(name, value, AtomicLong::get).description(description).baseUnit("bytes").tags(t).register(registry);
            return value;
        });
    }
}
