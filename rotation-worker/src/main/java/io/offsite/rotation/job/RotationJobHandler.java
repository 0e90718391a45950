package io.offsite.rotation.job;

import io.offsite.events.Topics.JobType;
import io.offsite.rotation.config.RotationProperties;
import io.offsite.rotation.config.RotationProperties.Series;
import io.offsite.worker.artifact.ListedObject;
import io.offsite.worker.artifact.SeriesInventory;
import io.offsite.worker.artifact.SeriesListing;
import io.offsite.worker.artifact.StoredBackup;
import io.offsite.worker.artifact.VerifiedSidecar;
import io.offsite.worker.format.Sizes;
import io.offsite.worker.job.JobContext;
import io.offsite.worker.job.JobFailedException;
import io.offsite.worker.job.JobHandler;
import io.offsite.worker.job.JobOutcome;
import io.offsite.worker.job.JobRejectedException;
import io.offsite.worker.retention.Backup;
import io.offsite.worker.retention.Decision;
import io.offsite.worker.retention.RetentionPlan;
import io.offsite.worker.retention.RetentionPolicy;
import io.offsite.worker.retention.Semantics;
import io.offsite.worker.storage.DeleteReport;
import io.offsite.worker.storage.ObjectStore;
import java.io.IOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.stereotype.Component;

/**
 * Runs ROTATION requests: lists the named series, plans with its policy, deletes what the plan drops (backups
 * first, then their sidecars) and reports every key that could not be deleted. A dry run publishes the plan and
 * deletes nothing.
 */
@Component
class RotationJobHandler implements JobHandler {

    static final String PARAM_SERIES = "series";
    static final String PARAM_DRY_RUN = "dryRun";
    private static final Set<String> PARAMETERS = Set.of(PARAM_SERIES, PARAM_DRY_RUN);

    private final RotationProperties properties;

    private final ObjectStore store;
    private final RotationMetrics metrics;

    RotationJobHandler(RotationProperties properties, ObjectStore store, RotationMetrics metrics) {
        this.properties = properties;
        this.store = store;
        this.metrics = metrics;
    }

    @Override
    public JobType jobType() {
        return JobType.ROTATION;
    }

    @Override
    public JobOutcome run(JobContext ctx) throws Exception {
        for (String name : ctx.parameters().keySet()) {
            if (!PARAMETERS.contains(name)) {
                throw new JobRejectedException("UNKNOWN_PARAMETER", "unknown parameter '" + name + "': rotation takes " + PARAMETERS);
            }
        }
        String seriesName = ctx.requireParameter(PARAM_SERIES);
        Series series = properties.series(seriesName).orElseThrow(() -> new JobRejectedException("UNKNOWN_SERIES",
                "unknown series '" + seriesName + "': this worker rotates " + properties.seriesNames()));
        boolean dryRun = properties.dryRun() || ctx.flag(PARAM_DRY_RUN, false);
        RetentionPolicy policy = series.policy();

        ctx.info("Starting backup rotation{}", dryRun ? " (dry run: nothing will be deleted)" : "");
        // a failed or cut listing throws: never plan on part of a series
        SeriesInventory.Builder listing = new SeriesInventory.Builder(series.prefix());
        SeriesListing.list(store, series.prefix(), listing);
        Instant listedAt = ctx.clock().instant();
        SeriesInventory inventory = listing.build();
        metrics.listed(series.name(), inventory.backups().size());
        ctx.info("Found {} backups totaling {}", inventory.backups().size(), Sizes.human(inventory.totalBytes()));
        for (SeriesInventory.Ignored ignored : inventory.ignored()) {
            ctx.warn("Ignoring {}: {}", ignored.key(), ignored.reason());
        }
        ctx.info("Retention policy:");
        ctx.info("  {}", policy.describe());
        boolean utc = policy.zone().normalized().equals(ZoneOffset.UTC);
        if (policy.semantics() != Semantics.CALENDAR || !utc) {
            ctx.info("  Semantics: {}, zone: {}", policy.semantics().id(), utc ? "UTC" : policy.zone().getId());
        }
        ctx.info("Analyzing backups for retention...");
        Map<String, StoredBackup> byKey = new LinkedHashMap<>();
        inventory.backups().forEach(b -> byKey.put(b.key(), b));
        String newestVerified = newestVerified(ctx, inventory, listedAt);
        RetentionPlan plan = policy.apply(inventory.backups().stream()
                        .map(b -> new Backup(b.key(), b.time(), b.key().equals(newestVerified))).toList(),
                listedAt);
        requireNewestKept(plan);
        List<Backup> futureDated = plan.futureDated();
        metrics.futureDated(series.name(), futureDated.size());
        for (Backup b : futureDated) {
            ctx.warn("Future-dated backup {} (dated {}, after the listing time {} + {}): kept, it fills no retention slot; "
                    + "check the producer that requested it and remove it by hand", b.id(), b.time(), listedAt, RetentionPolicy.FUTURE_SKEW);
        }
        List<StoredBackup> doomed = plan.deleted().stream().map(b -> byKey.get(b.id())).toList();
        ctx.info("Keeping {} backups{}", plan.kept().size(), plan.kept().isEmpty() ? "" : " (" + plan.keptSummary() + ")");
        ctx.checkCancelled();

        Map<String, Long> stats = new LinkedHashMap<>();
        stats.put("total_backups", (long) inventory.backups().size());
        stats.put("total_bytes", inventory.totalBytes());
        stats.put("ignored_objects", (long) inventory.ignored().size());
        stats.put("future_dated", (long) futureDated.size());
        plan.keptByRule().forEach((rule, count) -> stats.put("kept_" + rule.id(), (long) count));
        if (dryRun) {
            return dryRun(ctx, series, inventory, plan, doomed, stats);
        }
        return delete(ctx, series, inventory, plan, doomed, stats);
    }

    private JobOutcome dryRun(JobContext ctx, Series series, SeriesInventory inventory, RetentionPlan plan, List<StoredBackup> doomed,
                              Map<String, Long> stats) {
        long bytes = doomed.stream().mapToLong(StoredBackup::bytes).sum();
        ctx.info("Dry run: would delete {} old backups ({})", doomed.size(), Sizes.human(bytes));
        doomed.forEach(b -> ctx.info("  Would delete: {}", b.key()));
        inventory.orphanSidecars().forEach(o -> ctx.info("  Would delete orphaned sidecar: {}", o.key()));
        ctx.info("Rotation completed (dry run)");
        stats.put("dry_run", 1L);
        stats.put("backups_retained", (long) plan.kept().size());
        stats.put("backups_deleted", 0L);
        stats.put("backups_to_delete", (long) doomed.size());
        stats.put("bytes_to_free", bytes);
        stats.put("space_freed_bytes", 0L);
        stats.put("orphan_sidecars", (long) inventory.orphanSidecars().size());
        return JobOutcome.succeeded("dry run of " + series.name() + ", nothing deleted: " + describePlan(series, plan)).withStats(stats);
    }

    /**
     * Deletes what the plan drops and reports every key the store did not delete. A key the store <em>refuses</em>
     * (object lock or retention, a legal hold, a policy: a WARN line with the key and the store's code, the metric
     * {@code rotation_delete_refused_total}) stays where it is and the rest of the plan goes on; the run ends
     * PARTIALLY_FAILED, not retried, since a retry would be refused again: the next scheduled rotation tries again and
     * deletes it once the store allows. A failure that may pass (the store unreachable or failing) fails the run,
     * retryable, after the whole plan was tried.
     */
    private JobOutcome delete(JobContext ctx, Series series, SeriesInventory inventory, RetentionPlan plan, List<StoredBackup> doomed,
                              Map<String, Long> stats) throws InterruptedException {
        ctx.info("Deleting {} old backups", doomed.size());
        DeleteReport backups = store.delete(doomed.stream().map(StoredBackup::key).toList());
        Set<String> deleted = Set.copyOf(backups.deleted());
        // a sidecar goes only once its backup is gone, so a backup never loses its checksum while it stays
        List<String> sidecars = new ArrayList<>();
        doomed.stream().filter(b -> deleted.contains(b.key())).forEach(b -> b.sidecars().forEach(s -> sidecars.add(s.key())));
        inventory.orphanSidecars().forEach(o -> sidecars.add(o.key()));
        ctx.checkCancelled();
        DeleteReport sidecarReport = sidecars.isEmpty() ? DeleteReport.empty() : store.delete(sidecars);
        Set<String> sidecarsDeleted = Set.copyOf(sidecarReport.deleted());

        long freed = 0;
        int backupsDeleted = 0;
        for (StoredBackup b : doomed) {
            if (deleted.contains(b.key())) {
                ctx.info("  Deleted: {}", b.key());
                backupsDeleted++;
                freed += b.size() + b.sidecars().stream().filter(s -> sidecarsDeleted.contains(s.key())).mapToLong(ListedObject::size).sum();
            }
        }
        freed += inventory.orphanSidecars().stream().filter(o -> sidecarsDeleted.contains(o.key())).mapToLong(ListedObject::size).sum();
        Map<String, DeleteReport.Failure> refused = new LinkedHashMap<>();
        Map<String, String> failed = new LinkedHashMap<>();
        for (DeleteReport report : List.of(backups, sidecarReport)) {
            report.failures().forEach((key, failure) -> {
                if (failure.refused()) {
                    refused.put(key, failure);
                } else {
                    failed.put(key, failure.describe());
                }
            });
        }
        // the report's maps are unordered: name the keys in the plan's order
        List<String> order = new ArrayList<>(doomed.stream().map(StoredBackup::key).toList());
        order.addAll(sidecars);
        Map<String, DeleteReport.Failure> refusedInOrder = new LinkedHashMap<>();
        order.stream().filter(refused::containsKey).forEach(k -> refusedInOrder.put(k, refused.get(k)));
        Map<String, String> failedInOrder = new LinkedHashMap<>();
        order.stream().filter(failed::containsKey).forEach(k -> failedInOrder.put(k, failed.get(k)));
        refusedInOrder.forEach((key, f) -> {
            ctx.warn("  Delete refused by the store: {} ({}): kept until the store allows it (retention or lock expired, policy changed)",
                    key, f.describe());
            metrics.deleteRefused(series.name(), f.code());
        });
        failedInOrder.forEach((key, reason) -> ctx.warn("  Failed to delete: {} ({})", key, reason));

        int retained = inventory.backups().size() - backupsDeleted;
        metrics.rotated(series.name(), retained, backupsDeleted, freed);
        ctx.info("Freed {} of disk space", Sizes.human(freed));
        stats.put("dry_run", 0L);
        stats.put("backups_retained", (long) retained);
        stats.put("backups_deleted", (long) backupsDeleted);
        stats.put("space_freed_bytes", freed);
        stats.put("sidecars_deleted", (long) sidecarsDeleted.size());
        stats.put("delete_refused", (long) refusedInOrder.size());
        stats.put("delete_failed", (long) failedInOrder.size());
        String done = "deleted " + backupsDeleted + " of " + doomed.size() + " backups of " + series.name() + " (" + Sizes.human(freed) + " freed)";
        String refusals = refusedInOrder.isEmpty() ? "" : "; the store refused to delete " + refusedInOrder.size() + " object(s): "
                + refusedInOrder.entrySet().stream().map(e -> e.getKey() + " (" + e.getValue().describe() + ")").collect(Collectors.joining(", "));
        if (!failedInOrder.isEmpty()) {
            // stats travel only with a returned outcome, so the failure message carries the counts and every key
            throw new JobFailedException("DELETE_FAILED", done + " but could not delete " + failedInOrder.size() + " object(s): "
                    + failedInOrder.entrySet().stream().map(e -> e.getKey() + " (" + e.getValue() + ")").collect(Collectors.joining(", "))
                    + refusals, true);
        }
        if (!refusedInOrder.isEmpty()) {
            ctx.info("Rotation completed; {} object(s) kept because the store refused to delete them", refusedInOrder.size());
            return JobOutcome.partiallyFailed(done + refusals + "; they stay until the store allows it, the next rotation tries again")
                    .withStats(stats);
        }
        ctx.info("Rotation completed");
        List<String> deletedKeys = new ArrayList<>(backups.deleted());
        deletedKeys.addAll(sidecarReport.deleted());
        return JobOutcome.succeeded("kept " + retained + " and deleted " + backupsDeleted + " backups of " + series.name()
                + ", freed " + Sizes.human(freed)).withStats(stats).withDeletedKeys(deletedKeys);
    }

    /** The policy never drops the newest backup; this refuses to act on a plan that would, whatever the cause. */
    /**
     * The newest backup whose verification sidecar says OK, reading sidecars newest first and stopping at the first
     * OK; {@code null} when none is verified. Future-dated backups are passed over. A sidecar that cannot be read fails the run rather than risk deleting
     * the last good backup.
     */
    private String newestVerified(JobContext ctx, SeriesInventory inventory, Instant listedAt) {
        List<StoredBackup> newestFirst = new ArrayList<>(inventory.backups());
        newestFirst.sort(Comparator.comparing(StoredBackup::time).reversed());
        for (StoredBackup backup : newestFirst) {
            if (RetentionPolicy.isFutureDated(backup.time(), listedAt)) {
                // a verified future-dated backup must not take the place of the newest real verified one
                continue;
            }
            var sidecar = backup.verification();
            if (sidecar.isEmpty()) {
                continue;
            }
            VerifiedSidecar outcome;
            try {
                outcome = VerifiedSidecar.load(store, sidecar.get().key());
            } catch (IOException | RuntimeException e) {
                throw new JobFailedException("UNREADABLE_VERIFICATION", "cannot read the verification result "
                        + sidecar.get().key() + ": " + e.getMessage(), true, e);
            }
            if (outcome.ok()) {
                ctx.info("Newest verified backup: {}", backup.key());
                return backup.key();
            }
        }
        ctx.info("No verified backup in this series yet");
        return null;
    }

    private static void requireNewestKept(RetentionPlan plan) {
        plan.newest().ifPresent(newest -> {
            if (!plan.decision(newest.id()).map(Decision::keep).orElse(false)) {
                throw new JobFailedException("UNSAFE_PLAN", "refusing to delete the newest backup " + newest.id(), false);
            }
        });
    }

    /** {@code keep a (daily,weekly), b (monthly); delete c, d} with names relative to the series folder. */
    static String describePlan(Series series, RetentionPlan plan) {
        Map<Boolean, List<Decision>> split = new HashMap<>();
        plan.decisions().forEach(d -> split.computeIfAbsent(d.keep(), k -> new ArrayList<>()).add(d));
        String keep = split.getOrDefault(true, List.of()).stream()
                .map(d -> name(series, d) + " (" + d.reasonLabels() + ")").collect(Collectors.joining(", "));
        String delete = split.getOrDefault(false, List.of()).stream().map(d -> name(series, d)).collect(Collectors.joining(", "));
        return "keep " + plan.kept().size() + " [" + keep + "]; delete " + plan.deleted().size() + " [" + delete + "]";
    }

    private static String name(Series series, Decision d) {
        String key = d.backup().id();
        return key.startsWith(series.prefix()) ? key.substring(series.prefix().length()) : key;
    }
}
