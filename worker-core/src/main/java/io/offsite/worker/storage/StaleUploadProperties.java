package io.offsite.worker.storage;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The sweep of stale uploads under the staging prefix. Off unless a worker that writes to the bucket switches it on
 * (the backup worker does): a worker that only reads or deletes backups needs no abort permission.
 *
 * @param enabled run the sweep at start and every {@code interval} (default false)
 * @param interval time between sweeps after the one at start (default 30 minutes; 0 sweeps at start only)
 * @param margin added to the longest a run may hold an upload ({@code offsite.worker.max-run-time} plus
 *        {@code cleanup-grace}) before what it left counts as stale (default 15 minutes); it covers the skew between
 *        the store's clock and the worker's, and other workers on the same bucket with a longer max-run-time
 */
@ConfigurationProperties("offsite.s3.stale-uploads")
public record StaleUploadProperties(boolean enabled, Duration interval, Duration margin) {

    public StaleUploadProperties {
        interval = interval == null ? Duration.ofMinutes(30) : interval;
        margin = margin == null ? Duration.ofMinutes(15) : margin;
        if (interval.isNegative() || margin.isNegative()) {
            throw new IllegalArgumentException("offsite.s3.stale-uploads.interval and margin must not be negative, got "
                    + interval + " and " + margin);
        }
    }
}
