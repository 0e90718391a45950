package io.offsite.worker.storage;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Runs {@link StaleUploads} in the background: once at start, then every {@code interval} (never when it is zero).
 * A sweep that cannot reach the store is logged, counted and tried again at the next interval; start-up never waits
 * for it.
 */
public final class StaleUploadSweeper implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(StaleUploadSweeper.class);

    private final StaleUploads sweep;
    private final String bucket;
    private final Duration interval;
    private final Counter failures;
    private ScheduledExecutorService executor;

    public StaleUploadSweeper(StaleUploads sweep, String bucket, Duration interval, MeterRegistry meters) {
        this.sweep = sweep;
        this.bucket = bucket;
        this.interval = interval;
        this.failures = Counter.builder("offsite.stale.sweep.failures")
                .description("sweeps of stale uploads that could not list the bucket").register(meters);
    }

    @Override
    public synchronized void start() {
        executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "offsite-stale-upload-sweep");
            t.setDaemon(true);
            return t;
        });
        log.info("sweeping stale uploads and staging objects older than {} under {}/{} at start{}", sweep.maxAge(), bucket,
                ObjectStore.STAGING_PREFIX, interval.isZero() ? "" : " and every " + interval);
        if (interval.isZero()) {
            executor.execute(this::sweepOnce);
        } else {
            executor.scheduleWithFixedDelay(this::sweepOnce, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    void sweepOnce() {
        try {
            StaleUploads.Sweep done = sweep.sweep();
            if (!done.aborted().isEmpty() || !done.deleted().isEmpty() || !done.failures().isEmpty()) {
                log.info("stale upload sweep of {}: {} upload(s) aborted, {} staging object(s) deleted, {} kept (young enough to be in use), {} failed",
                        bucket, done.aborted().size(), done.deleted().size(), done.kept(), done.failures().size());
            } else {
                log.debug("stale upload sweep of {}: nothing stale, {} kept", bucket, done.kept());
            }
        } catch (RuntimeException e) {
            // the next sweep tries again; a scheduled task that threw would never run again
            failures.increment();
            log.warn("stale upload sweep of {} failed{}: {}", bucket, interval.isZero() ? "" : " (next in " + interval + ")", e.getMessage());
        }
    }

    @Override
    public synchronized void stop() {
        if (executor != null) {
            executor.shutdownNow();
            try {
                executor.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            executor = null;
        }
    }

    @Override
    public synchronized boolean isRunning() {
        return executor != null;
    }
}
