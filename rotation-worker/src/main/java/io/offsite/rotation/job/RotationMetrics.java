package io.offsite.rotation.job;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.offsite.rotation.config.RotationProperties;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.stereotype.Component;

/**
 * The original's rotation metrics, per series: {@code total_backups} (before rotation), {@code backups_retained},
 * {@code space_freed_bytes} (gauges of the last run) and {@code backups_deleted} (a counter); and
 * {@code rotation_future_dated_backups} (a gauge of the last run); and {@code rotation_delete_refused_total} (a counter by
 * series and store error code).
 *
 * <p>Every meter but {@code rotation_delete_refused} (whose {@code code} is the store's) exists from the start at 0 for
 * each configured series.
 */
@Component
class RotationMetrics {

    private final MeterRegistry registry;
    private final Map<String, AtomicLong> gauges = new ConcurrentHashMap<>();

    RotationMetrics(MeterRegistry registry, RotationProperties properties) {
        this.registry = registry;
        for (String series : properties.seriesNames()) {
            listed(series, 0);
            futureDated(series, 0);
            rotated(series, 0, 0, 0);
        }
    }

    void listed(String series, int totalBackups) {
        gauge("total_backups", "Backups found before rotation", null, series).set(totalBackups);
    }

    /**
     * {@code rotation_future_dated_backups}: a gauge, because such a backup stays in the bucket (it is always kept) and
     * is found again by every run; a counter would grow with each run, not with each bad backup. Alert when above 0.
     */
    void futureDated(String series, int count) {
        gauge("rotation_future_dated_backups", "Backups dated after the listing time (plus 5 minutes) found by the last rotation: "
                + "kept, in no retention slot", null, series).set(count);
    }

    void rotated(String series, int retained, int deleted, long freedBytes) {
        gauge("backups_retained", "Backups kept by the last rotation", null, series).set(retained);
        gauge("space_freed_bytes", "Bytes freed by the last rotation", "bytes", series).set(freedBytes);
        Counter.builder("backups_deleted").description("Backups removed by rotation").tag("series", series)
                .register(registry).increment(deleted);
    }

    /**
     * {@code rotation_delete_refused_total{series,code}}: objects the plan dropped that the store refused to delete
     * (object lock or retention, a legal hold, a policy), by the store's error code. Counted at every run that meets
     * them again, so a steady rise means objects that never become deletable: check the lock's retention against the
     * policy, or the rotation user's permissions.
     */
    void deleteRefused(String series, String code) {
        Counter.builder("rotation_delete_refused").description("Deletes the object store refused (object lock, retention, policy)")
                .tag("series", series).tag("code", code).register(registry).increment();
    }

    private AtomicLong gauge(String name, String description, String unit, String series) {
        return gauges.computeIfAbsent(name + "|" + series, k -> {
            AtomicLong value = new AtomicLong();
            Gauge.builder(name, value, AtomicLong::get).description(description).baseUnit(unit).tag("series", series).register(registry);
            return value;
        });
    }
}
