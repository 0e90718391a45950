package io.offsite.backup.verify;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.stereotype.Component;

/**
 * {@code backup_verified} (backups proven restorable) and {@code backup_verification_failed} (alert on any increase),
 * tagged with job, series and source like the backup job's meters of the same names.
 */
@Component
class VerifyMetrics {

    private final MeterRegistry registry;

    VerifyMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    void verified(String job, String series, String source) {
        Counter.builder("backup_verified").description("Backups whose stored bytes were re-read and matched, or that were proven restorable")
                .tags("job", job, "series", series, "source", source).register(registry).increment();
    }

    void failed(String job, String series, String source) {
        Counter.builder("backup_verification_failed").description("Backups that failed verification: alert on any increase")
                .tags("job", job, "series", series, "source", source).register(registry).increment();
    }
}
