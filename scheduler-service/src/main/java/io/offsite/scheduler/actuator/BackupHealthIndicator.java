package io.offsite.scheduler.actuator;

import io.offsite.scheduler.health.BackupCheck;
import io.offsite.scheduler.health.BackupHealth;
import io.offsite.scheduler.runs.EventLogStatus;
import io.offsite.scheduler.runs.Scheduler;
import java.time.Clock;
import java.time.Instant;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;

/** One job's {@link BackupCheck} against what this replica has read from the event log. */
final class BackupHealthIndicator implements HealthIndicator {

    private final BackupCheck check;
    private final Scheduler scheduler;
    private final EventLogStatus eventLog;
    private final Instant startedAt;
    private final Clock clock;

    BackupHealthIndicator(BackupCheck check, Scheduler scheduler, EventLogStatus eventLog, Instant startedAt, Clock clock) {
        this.check = check;
        this.scheduler = scheduler;
        this.eventLog = eventLog;
        this.startedAt = startedAt;
        this.clock = clock;
    }

    @Override
    public Health health() {
        if (!eventLog.isCaughtUp()) {
            return Health.unknown().withDetail("reason", "still reading the event log up to its start-up position").build();
        }
        BackupHealth verdict = check.evaluate(scheduler.lastSuccess(check.job()), scheduler.lastVerification(check.series()),
                startedAt, clock.instant());
        Status status = switch (verdict.state()) {
            case UP -> Status.UP;
            case DOWN -> Status.DOWN;
            case UNKNOWN -> Status.UNKNOWN;
        };
        return Health.status(status).withDetail("reason", verdict.reason()).withDetails(verdict.details()).build();
    }
}
