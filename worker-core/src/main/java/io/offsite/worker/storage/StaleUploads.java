package io.offsite.worker.storage;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.offsite.worker.format.Sizes;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removes what runs that can no longer be going left under the staging prefix ({@value ObjectStore#STAGING_PREFIX}):
 * multipart uploads a run gave up on while the store was away or that a killed worker left open, and staging objects
 * a crash left between the server-side copy and their removal. Nothing else in the bucket is touched.
 *
 * <p>Safe for uploads in flight: a run uploads only while it runs, and no run lasts longer than the worker's
 * {@code max-run-time} plus its {@code cleanup-grace}, so whatever was started (or last written) longer ago than
 * that plus a margin belongs to a run that is over. The margin also covers the skew between the store's clock,
 * which dates uploads and objects, and the worker's. Sweeping twice, or from two instances at once, is harmless.
 */
public final class StaleUploads {

    private static final Logger log = LoggerFactory.getLogger(StaleUploads.class);

    private final ObjectStore store;
    private final Clock clock;
    private final Duration maxAge;
    private final Counter aborted;
    private final Counter deleted;

    /**
     * @param maxAge age past which an upload or staging object belongs to no run that can still be going (see
     *        {@link #maxAge(Duration, Duration, Duration)})
     */
    public StaleUploads(ObjectStore store, Clock clock, Duration maxAge, MeterRegistry meters) {
        if (maxAge == null || maxAge.isNegative() || maxAge.isZero()) {
            throw new IllegalArgumentException("the age of a stale upload must be positive, got " + maxAge);
        }
        this.store = store;
        this.clock = clock;
        this.maxAge = maxAge;
        this.aborted = Counter.builder("offsite.stale.uploads.aborted")
                .description("multipart uploads under the staging prefix aborted because no run can still be using them")
                .register(meters);
        this.deleted = Counter.builder("offsite.stale.staging.deleted")
                .description("staging objects left by a run that ended between publishing and removing them")
                .register(meters);
    }

    /** The longest a run may hold an upload ({@code maxRunTime} and its {@code cleanupGrace}), plus {@code margin}. */
    public static Duration maxAge(Duration maxRunTime, Duration cleanupGrace, Duration margin) {
        return maxRunTime.plus(cleanupGrace).plus(margin);
    }

    /**
     * The age rule: stale only when the store dated it and it is older than {@code maxAge} at {@code now}. An
     * undated upload or one dated in the future (clock skew) is never stale.
     */
    public static boolean isStale(Instant dated, Instant now, Duration maxAge) {
        return dated != null && Duration.between(dated, now).compareTo(maxAge) > 0;
    }

    public Duration maxAge() {
        return maxAge;
    }

    /**
     * One pass: aborts every stale open upload and deletes every stale staging object, continuing past failures of
     * single items (reported). Throws {@link StorageException} only when the store cannot be listed.
     */
    public Sweep sweep() {
        Instant now = clock.instant();
        List<Aborted> abortedUploads = new ArrayList<>();
        List<String> deletedObjects = new ArrayList<>();
        Map<String, String> failures = new LinkedHashMap<>();
        int kept = 0;
        for (OpenUpload upload : store.listOpenUploads(ObjectStore.STAGING_PREFIX)) {
            if (!isStale(upload.initiated(), now, maxAge)) {
                kept++;
                continue;
            }
            Optional<Long> bytes = store.uploadedBytes(upload);
            try {
                if (store.abort(upload)) {
                    Duration age = Duration.between(upload.initiated(), now);
                    abortedUploads.add(new Aborted(upload.key(), upload.uploadId(), age, bytes.orElse(-1L)));
                    aborted.increment();
                    log.info("aborted stale upload {} (upload id {}, started {} ago at {}, {} in its parts): no run can still be using it",
                            upload.key(), upload.uploadId(), ageText(age), upload.initiated(),
                            bytes.map(Sizes::human).orElse("an unknown size"));
                }
            } catch (StorageException e) {
                failures.put(upload.key() + " (upload " + upload.uploadId() + ")", e.getMessage());
                log.warn("cannot abort stale upload {} (upload id {}): {}", upload.key(), upload.uploadId(), e.getMessage());
            }
        }
        for (StoredObject object : store.list(ObjectStore.STAGING_PREFIX)) {
            if (!isStale(object.lastModified(), now, maxAge)) {
                kept++;
                continue;
            }
            try {
                store.delete(object.key());
                deletedObjects.add(object.key());
                deleted.increment();
                log.info("deleted stale staging object {} ({}, written {} ago at {}): its run ended before removing it",
                        object.key(), Sizes.human(object.size()), ageText(Duration.between(object.lastModified(), now)),
                        object.lastModified());
            } catch (StorageException e) {
                failures.put(object.key(), e.getMessage());
                log.warn("cannot delete stale staging object {}: {}", object.key(), e.getMessage());
            }
        }
        return new Sweep(abortedUploads, deletedObjects, kept, failures);
    }

    private static String ageText(Duration age) {
        return String.format(java.util.Locale.ROOT, "%dh %02dm %02ds", age.toHours(), age.toMinutesPart(), age.toSecondsPart());
    }

    /** An upload the sweep aborted: its key, id, age and the bytes in its parts ({@code -1} when unknown). */
    public record Aborted(String key, String uploadId, Duration age, long bytes) {
    }

    /**
     * What one sweep did.
     *
     * @param aborted open uploads aborted
     * @param deleted staging objects deleted
     * @param kept uploads and staging objects young enough to belong to a run that may still be going
     * @param failures items that could not be removed, with the reason (tried again by the next sweep)
     */
    public record Sweep(List<Aborted> aborted, List<String> deleted, int kept, Map<String, String> failures) {

        public Sweep {
            aborted = List.copyOf(aborted);
            deleted = List.copyOf(deleted);
            failures = Map.copyOf(failures);
        }
    }
}
