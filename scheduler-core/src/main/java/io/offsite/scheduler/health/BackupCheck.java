package io.offsite.scheduler.health;

import io.offsite.scheduler.jobs.JobType;
import io.offsite.scheduler.inventory.SeriesView;
import io.offsite.scheduler.inventory.Verdict;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Whether one backup or verification job is healthy, from what the bucket holds: its series' newest backup (or
 * verification) is recent enough and the latest verification of the series passed.
 *
 * @param series        the backup series the job writes (BACKUP) or checks (VERIFY)
 * @param maxAge        the oldest the newest backup (BACKUP) or verification (VERIFY) may be
 * @param maxAgeOrigin  how {@code maxAge} was chosen, for display
 * @param startupGrace  how long after start-up a series without backups (verifications) is UNKNOWN rather than DOWN
 * @param verifiedBy    configured VERIFY jobs that check {@code series}, for display
 */
public record BackupCheck(String job, JobType type, String series, Duration maxAge, String maxAgeOrigin,
        Duration startupGrace, List<String> verifiedBy) {

    public BackupCheck {
        Objects.requireNonNull(job, "job");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(series, "series");
        Objects.requireNonNull(maxAgeOrigin, "maxAgeOrigin");
        Objects.requireNonNull(startupGrace, "startupGrace");
        if (maxAge == null || maxAge.isNegative() || maxAge.isZero()) {
            throw new IllegalArgumentException("maxAge of " + job + " must be positive, was " + maxAge);
        }
        verifiedBy = List.copyOf(verifiedBy);
    }

    /**
     * The verdict at {@code now} from what the bucket holds ({@code view}, the inventory of the job's series). DOWN
     * when the latest verification of the series failed (a later backup does not clear it: the failure says something
     * about stored backups; only a passing verification does), or when the newest backup (BACKUP) or verification
     * (VERIFY) is older than {@code maxAge}; UNKNOWN when there is none and less than {@code startupGrace} has passed
     * since {@code startedAt}; otherwise UP.
     *
     * <p>A failed listing does not turn a job DOWN by itself: the last complete listing (and the completions seen since)
     * is judged, and the details say how old it is and why the latest listing failed. While the series was never
     * listed, what would be DOWN is UNKNOWN: nothing is known of the bucket yet.
     */
    public BackupHealth evaluate(SeriesView view, Instant startedAt, Instant now) {
        Objects.requireNonNull(view, "view");
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("type", type.name());
        details.put("series", series);
        details.put("prefix", view.prefix());
        Optional<Verdict> verification = view.verification();
        Instant last = type == JobType.VERIFY ? verification.map(Verdict::at).orElse(null) : view.newestCurrent();
        String what = type == JobType.VERIFY ? "verification" : "backup";
        details.put(type == JobType.VERIFY ? "lastVerificationAt" : "newestBackupAt", last == null ? "none" : last.toString());
        Duration age = last == null ? null : nonNegative(Duration.between(last, now));
        if (age != null) {
            details.put("age", age.toString());
        }
        details.put("maxAge", maxAge.toString());
        details.put("maxAgeOrigin", maxAgeOrigin);
        details.put("backups", view.count());
        if (view.futureDated() > 0) {
            details.put("futureDated", view.futureDated());
        }
        details.put("lastVerification", verification.<Object>map(BackupCheck::describe).orElse("none"));
        if (type == JobType.BACKUP) {
            details.put("verifiedBy", verifiedBy);
        }
        details.put("listedAt", view.listedAt() == null ? "never" : view.listedAt().toString());
        if (view.listed()) {
            details.put("listingAge", view.listingAge(now).toString());
        }
        if (view.listingError() != null) {
            details.put("listingError", view.listingError());
            details.put("listingErrorAt", view.listingErrorAt().toString());
        }

        BackupHealth verdict = judge(view, verification, last, age, what, startedAt, now, details);
        if (verdict.state() == HealthState.DOWN && !view.listed()) {
            return new BackupHealth(HealthState.UNKNOWN, "the bucket was not listed yet"
                    + (view.listingError() == null ? "" : " (" + view.listingError() + ")") + "; without it: " + verdict.reason(), details);
        }
        return verdict;
    }

    private BackupHealth judge(SeriesView view, Optional<Verdict> verification, Instant last, Duration age, String what,
            Instant startedAt, Instant now, Map<String, Object> details) {
        if (verification.isPresent() && !verification.get().passed()) {
            Verdict failed = verification.get();
            return new BackupHealth(HealthState.DOWN, "last verification of series '" + series + "' FAILED (" + failed.source()
                    + " at " + failed.at() + ")" + (failed.message() == null ? "" : ": " + failed.message()), details);
        }
        if (age != null) {
            if (age.compareTo(maxAge) > 0) {
                return new BackupHealth(HealthState.DOWN, "newest " + what + " at " + last + " is " + age
                        + " old, more than the maximum age " + maxAge, details);
            }
            String notRestored = verification.filter(Verdict::notRestored)
                    .map(v -> "; last verification " + (v.message() == null ? "did not restore the backup" : v.message())
                            + " (encrypted, no identity given to the verification)").orElse("");
            return new BackupHealth(HealthState.UP, "newest " + what + " at " + last + ", " + age + " ago" + notRestored, details);
        }
        Instant graceEnds = startedAt.plus(startupGrace);
        String none = type == JobType.VERIFY ? "no verification of series '" + series + "' in " + view.prefix()
                : "no backup in " + view.prefix();
        if (now.isBefore(graceEnds)) {
            return new BackupHealth(HealthState.UNKNOWN, none + " yet; judged from " + graceEnds
                    + " (start-up plus " + startupGrace + ")", details);
        }
        return new BackupHealth(HealthState.DOWN, none + " (grace " + startupGrace + " since start-up at " + startedAt
                + " elapsed)", details);
    }

    private static Duration nonNegative(Duration d) {
        return d.isNegative() ? Duration.ZERO : d;
    }

    private static Map<String, Object> describe(Verdict verdict) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("status", verdict.status());
        view.put("at", verdict.at().toString());
        view.put("source", verdict.source());
        if (verdict.message() != null) {
            view.put("message", verdict.message());
        }
        return view;
    }
}
