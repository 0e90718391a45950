package io.offsite.scheduler.health;

import io.offsite.events.Topics.JobType;
import io.offsite.scheduler.runs.VerificationOutcome;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Whether one backup or verification job is healthy: its last success is recent enough and the last
 * verification of its series passed.
 *
 * @param series        the backup series the job writes (BACKUP) or checks (VERIFY)
 * @param maxAge        the oldest a last success may be
 * @param maxAgeOrigin  how {@code maxAge} was chosen, for display
 * @param startupGrace  how long after start-up a job that never succeeded is UNKNOWN rather than DOWN
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
     * The verdict at {@code now}. DOWN when the last verification of the series failed (a later backup does
     * not clear it: the failure says something about stored backups; only a passing verification does), or
     * when the last success is older than {@code maxAge}; UNKNOWN when the job never succeeded and less than
     * {@code startupGrace} has passed since {@code startedAt}; otherwise UP.
     */
    public BackupHealth evaluate(Optional<Instant> lastSuccess, Optional<VerificationOutcome> lastVerification,
            Instant startedAt, Instant now) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("type", type.name());
        details.put("series", series);
        details.put("lastSuccessAt", lastSuccess.map(Instant::toString).orElse("never"));
        Duration age = lastSuccess.map(at -> Duration.between(at, now)).map(d -> d.isNegative() ? Duration.ZERO : d)
                .orElse(null);
        if (age != null) {
            details.put("age", age.toString());
        }
        details.put("maxAge", maxAge.toString());
        details.put("maxAgeOrigin", maxAgeOrigin);
        details.put("lastVerification", lastVerification.<Object>map(BackupCheck::describe).orElse("none"));
        if (type == JobType.BACKUP) {
            details.put("verifiedBy", verifiedBy);
        }

        if (lastVerification.isPresent() && !lastVerification.get().passed()) {
            VerificationOutcome failed = lastVerification.get();
            return new BackupHealth(HealthState.DOWN, "last verification of series '" + series + "' " + failed.status()
                    + " (" + failed.runId() + " at " + failed.finishedAt() + ")"
                    + (failed.message() == null ? "" : ": " + failed.message()), details);
        }
        if (age != null) {
            if (age.compareTo(maxAge) > 0) {
                return new BackupHealth(HealthState.DOWN, "last success at " + lastSuccess.get() + " is " + age
                        + " old, more than the maximum age " + maxAge, details);
            }
            return new BackupHealth(HealthState.UP, "last success at " + lastSuccess.get() + ", " + age + " ago", details);
        }
        Instant graceEnds = startedAt.plus(startupGrace);
        if (now.isBefore(graceEnds)) {
            return new BackupHealth(HealthState.UNKNOWN, "no successful run seen yet; judged from " + graceEnds
                    + " (start-up plus " + startupGrace + ")", details);
        }
        return new BackupHealth(HealthState.DOWN, "no successful run since start-up at " + startedAt
                + " (grace " + startupGrace + " elapsed)", details);
    }

    private static Map<String, Object> describe(VerificationOutcome outcome) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("job", outcome.job());
        view.put("runId", outcome.runId());
        view.put("status", outcome.status());
        view.put("finishedAt", outcome.finishedAt().toString());
        if (outcome.message() != null) {
            view.put("message", outcome.message());
        }
        return view;
    }
}
