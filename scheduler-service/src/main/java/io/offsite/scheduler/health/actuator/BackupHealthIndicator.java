package io.offsite.scheduler.health.actuator;

import io.offsite.scheduler.health.BackupCheck;
import io.offsite.scheduler.health.BackupHealth;
import io.offsite.scheduler.inventory.BackupInventory;
import io.offsite.scheduler.inventory.SeriesView;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;

/** One job's {@link BackupCheck} against the inventory of what the bucket holds. */
final class BackupHealthIndicator implements HealthIndicator {

    private final BackupCheck check;
    private final BackupInventory inventory;
    private final Instant startedAt;
    private final Clock clock;

    BackupHealthIndicator(BackupCheck check, BackupInventory inventory, Instant startedAt, Clock clock) {
        this.check = check;
        this.inventory = inventory;
        this.startedAt = startedAt;
        this.clock = clock;
    }

    @Override
    public Health health() {
        Optional<SeriesView> view = inventory.view(check.series());
        if (view.isEmpty()) {
            return Health.unknown().withDetail("reason", "series '" + check.series() + "' has no inventory").build();
        }
        BackupHealth verdict = check.evaluate(view.get(), startedAt, clock.instant());
        Status status = switch (verdict.state()) {
            case UP -> Status.UP;
            case DOWN -> Status.DOWN;
            case UNKNOWN -> Status.UNKNOWN;
        };
        return Health.status(status).withDetail("reason", verdict.reason()).withDetails(verdict.details()).build();
    }
}
