package io.offsite.scheduler.dashboard;

import io.offsite.worker.retention.Backup;
import io.offsite.worker.retention.Decision;
import io.offsite.worker.retention.Reason;
import io.offsite.worker.retention.RetentionPlan;
import io.offsite.worker.retention.RetentionPolicy;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What the next rotation of a series would keep and delete, and why: the rotation worker's plan (same policy code,
 * same inputs: every backup of the listing, the newest backup whose verification passed, the listing instant), made
 * without deleting anything.
 *
 * @param available      whether a preview could be made; when not, {@code unavailableReason} says why
 * @param unavailableReason why there is no preview (the scheduler does not know the policy, the series was never listed)
 * @param policy         the policy in the rotation log's words, e.g. {@code Daily: 7, Weekly: 4, Monthly: 3, Min: 5}
 * @param semantics      calendar or restic
 * @param zone           the zone whose calendar defines the periods
 * @param plannedAt      the instant planned at (when the series was listed)
 * @param keep           backups kept
 * @param delete         backups deleted
 * @param bytesToFree    their sizes together (sidecars not counted)
 * @param keptSummary    what keeps the kept ones, e.g. {@code 7 daily + 4 weekly + 3 monthly}
 * @param newestVerified the newest backup whose verification passed (never deleted); null when none
 * @param warnings       what would make the real rotation differ or fail (an unreadable verification result)
 * @param decisions      one per backup, newest first
 */
public record RetentionPreview(boolean available, String unavailableReason, String policy, String semantics, String zone,
        Instant plannedAt, int keep, int delete, long bytesToFree, String keptSummary, String newestVerified, List<String> warnings,
        List<Item> decisions) {

    /**
     * One backup's fate.
     *
     * @param reasons the labels of every rule that keeps it ({@code daily}, {@code oldest-weekly}, {@code newest-verified}
     *                ...); empty when it would be deleted
     */
    public record Item(String key, String name, Instant takenAt, long sizeBytes, boolean keep, List<String> reasons) {
    }

    static RetentionPreview unavailable(String reason) {
        return new RetentionPreview(false, reason, null, null, null, null, 0, 0, 0, null, null, List.of(), List.of());
    }

    /** Plans {@code snapshot} with {@code policy} as the rotation worker would at the instant the series was listed. */
    static RetentionPreview of(RetentionPolicy policy, SeriesSnapshot snapshot) {
        if (snapshot.listedAt() == null) {
            return unavailable("the series could not be listed yet" + (snapshot.error() == null ? "" : ": " + snapshot.error()));
        }
        Instant now = snapshot.listedAt();
        List<String> warnings = new ArrayList<>();
        String newestVerified = null;
        // as the rotation worker: newest first, future-dated ones passed over, the first OK wins; an unreadable one first stops it
        for (BackupEntry b : snapshot.backups()) {
            if (RetentionPolicy.isFutureDated(b.takenAt(), now) || !b.verification().present()) {
                continue;
            }
            if (BackupEntry.Verification.UNREADABLE.equals(b.verification().state())) {
                warnings.add("the rotation would stop without deleting anything: " + b.verification().reason());
                break;
            }
            if (BackupEntry.Verification.OK.equals(b.verification().state())) {
                newestVerified = b.key();
                break;
            }
        }
        Map<String, BackupEntry> byKey = new HashMap<>();
        List<Backup> backups = new ArrayList<>();
        for (BackupEntry b : snapshot.backups()) {
            byKey.put(b.key(), b);
            backups.add(new Backup(b.key(), b.takenAt(), b.key().equals(newestVerified)));
        }
        RetentionPlan plan = policy.apply(backups, now);
        if (!plan.futureDated().isEmpty()) {
            warnings.add(plan.futureDated().size() + " backup(s) dated after the listing time: kept, they fill no retention slot;"
                    + " check the producer that requested them");
        }
        List<Item> items = new ArrayList<>();
        long bytes = 0;
        for (Decision d : plan.decisions()) {
            BackupEntry b = byKey.get(d.backup().id());
            items.add(new Item(b.key(), b.name(), b.takenAt(), b.sizeBytes(), d.keep(), d.reasons().stream().map(Reason::label).toList()));
            if (!d.keep()) {
                bytes += b.sizeBytes();
            }
        }
        return new RetentionPreview(true, null, policy.describe(), policy.semantics().id(), policy.zone().getId(), now,
                plan.kept().size(), plan.deleted().size(), bytes, plan.keptSummary(), newestVerified, warnings, items);
    }
}
