package io.offsite.scheduler.inventory.listing;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.offsite.scheduler.inventory.BackupInventory;
import io.offsite.scheduler.inventory.Listing;
import io.offsite.scheduler.inventory.ListingFold;
import io.offsite.scheduler.inventory.TrackedSeries;
import io.offsite.scheduler.inventory.Verdict;
import io.offsite.worker.artifact.BackupKeys;
import io.offsite.worker.artifact.ListedObject;
import io.offsite.worker.artifact.SeriesListing;
import io.offsite.worker.artifact.VerifiedSidecar;
import io.offsite.worker.storage.ObjectStore;
import io.offsite.worker.storage.StorageException;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lists every tracked series of the bucket in full, on start and every interval (sooner after a failure, or when a
 * rotation could not say what it deleted), on one thread of its own, and hands each complete listing to the
 * {@link BackupInventory}. One listing per series at a time; the newest verification sidecar is read only when it
 * changed since the last listing.
 */
public final class BucketLister implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(BucketLister.class);
    /** How often the lister checks what is due. */
    static final Duration CHECK_EVERY = Duration.ofSeconds(1);

    private final ObjectStore store;
    private final BackupInventory inventory;
    private final InventoryProperties properties;
    private final Clock clock;
    private final Timer.Builder listingTimer;
    private final MeterRegistry meters;
    private final Map<String, Instant> lastAttempt = new HashMap<>();
    private final Map<String, Boolean> lastFailed = new HashMap<>();
    private final Map<String, CachedVerdict> verdicts = new HashMap<>();
    private ScheduledExecutorService executor;

    public BucketLister(ObjectStore store, BackupInventory inventory, InventoryProperties properties, Clock clock, MeterRegistry meters) {
        this.store = store;
        this.inventory = inventory;
        this.properties = properties;
        this.clock = clock;
        this.meters = meters;
        this.listingTimer = Timer.builder("offsite.inventory.listing").description("Time to list one series of the bucket in full");
        for (TrackedSeries series : inventory.series()) {
            Gauge.builder("offsite.inventory.objects", inventory, i -> i.count(series.name()))
                    .description("Backups the inventory holds for a series (last listing and completions since)")
                    .tag("series", series.name()).register(meters);
            Counter.builder("offsite.inventory.listing.failures").description("Listings of a series that failed")
                    .tag("series", series.name()).register(meters);
            Gauge.builder("offsite.inventory.newest.backup", inventory, i -> newestBackupSeconds(i, series.name()))
                    .description("Time in the name of the series' newest backup in the bucket (not dated ahead), seconds since the epoch; NaN while there is none")
                    .baseUnit("seconds").tag("series", series.name()).register(meters);
        }
    }

    private static double newestBackupSeconds(BackupInventory inventory, String series) {
        return inventory.view(series).map(view -> view.newestCurrent())
                .map(newest -> newest.toEpochMilli() / 1000.0).orElse(Double.NaN);
    }

    public synchronized void start() {
        if (executor != null) {
            return;
        }
        executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "offsite-inventory");
            thread.setDaemon(true);
            return thread;
        });
        executor.scheduleWithFixedDelay(this::listDue, 0, CHECK_EVERY.toMillis(), TimeUnit.MILLISECONDS);
        log.info("Listing {} series of {} every {}: {}", inventory.series().size(), store.describe(), properties.interval(),
                inventory.series().stream().map(s -> s.name() + " in " + s.prefix()).toList());
    }

    /** Lists every series that is due now; what the scheduled task runs. */
    void listDue() {
        for (TrackedSeries series : inventory.series()) {
            try {
                Instant now = clock.instant();
                if (due(series, now)) {
                    list(series);
                }
            } catch (RuntimeException e) {
                log.error("Listing of series {} failed unexpectedly", series.name(), e);
            }
        }
    }

    private boolean due(TrackedSeries series, Instant now) {
        Instant last = lastAttempt.get(series.name());
        if (last == null) {
            return true;
        }
        Duration wait = Boolean.TRUE.equals(lastFailed.get(series.name())) || inventory.relistReason(series.name()).isPresent()
                ? min(properties.retry(), properties.interval()) : properties.interval();
        return !now.isBefore(last.plus(wait));
    }

    /** Lists one series now and hands the result (or the failure) to the inventory; returns whether it succeeded. */
    public boolean list(TrackedSeries series) {
        Instant startedAt = clock.instant();
        lastAttempt.put(series.name(), startedAt);
        Optional<String> relist = inventory.relistReason(series.name());
        long started = System.nanoTime();
        ListingFold fold = new ListingFold();
        try {
            SeriesListing.list(store, series.prefix(), fold);
            Optional<Verdict> verdict = fold.newestVerification().map(sidecar -> verdictOf(series, sidecar, startedAt));
            inventory.listed(series.name(), startedAt, new Listing(fold.backups(), verdict, fold.ignored()));
            long took = System.nanoTime() - started;
            listingTimer.tag("series", series.name()).register(meters).record(took, TimeUnit.NANOSECONDS);
            Boolean failedBefore = lastFailed.put(series.name(), false);
            boolean recovered = Boolean.TRUE.equals(failedBefore);
            if (failedBefore == null || recovered || relist.isPresent() || log.isDebugEnabled()) {
                log.info("Listed series {} ({}): {} backups, {} other objects in {} ms{}", series.name(), series.prefix(),
                        fold.backups().size(), fold.ignored(), TimeUnit.NANOSECONDS.toMillis(took),
                        relist.map(r -> " (listed again: " + r + ")").orElse(recovered ? " (the store answers again)" : ""));
            }
            return true;
        } catch (StorageException e) {
            meters.counter("offsite.inventory.listing.failures", "series", series.name()).increment();
            inventory.listingFailed(series.name(), startedAt, e.getMessage());
            lastFailed.put(series.name(), true);
            log.warn("Cannot list series {} ({}): {}; keeping the last listing, next attempt in {}", series.name(),
                    series.prefix(), e.getMessage(), min(properties.retry(), properties.interval()));
            return false;
        }
    }

    /**
     * What the newest verification sidecar says, read only when it changed since the last listing. A sidecar that is
     * not one counts as a failed verification: nothing proves the backup restorable. A store failure fails the listing.
     */
    private Verdict verdictOf(TrackedSeries series, ListedObject sidecar, Instant startedAt) {
        CachedVerdict cached = verdicts.get(series.name());
        if (cached != null && cached.key.equals(sidecar.key()) && java.util.Objects.equals(cached.lastModified, sidecar.lastModified())) {
            return cached.verdict;
        }
        Instant written = sidecar.lastModified() != null ? sidecar.lastModified() : startedAt;
        Verdict verdict;
        try {
            VerifiedSidecar read = VerifiedSidecar.load(store, sidecar.key());
            Instant at = read.verifiedAt() != null ? read.verifiedAt() : written;
            verdict = read.notRestored() ? Verdict.notRestored(at, "sidecar " + sidecar.key(), VerifiedSidecar.NOT_RESTORED_TEXT)
                    : new Verdict(read.ok(), at, "sidecar " + sidecar.key(), read.ok() ? null : read.reason());
        } catch (IOException e) {
            verdict = new Verdict(false, written, "sidecar " + sidecar.key(), "unreadable verification result of "
                    + BackupKeys.sidecarOf(sidecar.key()).map(BackupKeys.Sidecar::backupKey).orElse(sidecar.key()) + ": " + e.getMessage());
        }
        verdicts.put(series.name(), new CachedVerdict(sidecar.key(), sidecar.lastModified(), verdict));
        return verdict;
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    @Override
    public synchronized void close() {
        if (executor != null) {
            executor.shutdownNow();
            try {
                executor.awaitTermination(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            executor = null;
        }
    }

    private record CachedVerdict(String key, Instant lastModified, Verdict verdict) {
    }
}
