package io.offsite.backup.job;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
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
 */
@Component
class BackupMetrics {

    private final MeterRegistry registry;
    private final Map<Tags, AtomicLong> sizes = new ConcurrentHashMap<>();
    private final Map<Tags, AtomicLong> sourceSizes = new ConcurrentHashMap<>();

    BackupMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    void created(String job, String source, long storedBytes, long sourceBytes, Duration took) {
        Tags tags = Tags.of("job", job, "source", source);
        Counter.builder("backup_created_count").description("Successful backups (the original's backup_created)").tags(tags).register(registry).increment();
        gauge("backup_size_bytes", "Size of the last stored backup", tags, sizes).set(storedBytes);
        gauge("backup_source_size_bytes", "Size of the last snapshot before compression", tags, sourceSizes).set(sourceBytes);
        Timer.builder("backup_duration").description("Duration of successful backups").tags(tags).register(registry).record(took);
    }

    void verified(String job, String source) {
        Counter.builder("backup_verified").description("Backups whose stored bytes were re-read and matched")
                .tags("job", job, "source", source).register(registry).increment();
    }

    void verificationFailed(String job, String source) {
        Counter.builder("backup_verification_failed").description("Backups whose stored bytes did not match what was written")
                .tags("job", job, "source", source).register(registry).increment();
    }

    private AtomicLong gauge(String name, String description, Tags tags, Map<Tags, AtomicLong> values) {
        return values.computeIfAbsent(tags, t -> {
            AtomicLong value = new AtomicLong();
            Gauge.builder(name, value, AtomicLong::get).description(description).baseUnit("bytes").tags(t).register(registry);
            return value;
        });
    }
}
