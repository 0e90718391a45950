package io.offsite.scheduler.health.actuator;

import io.offsite.scheduler.health.BackupCheck;
import io.offsite.scheduler.health.BackupChecks;
import io.offsite.scheduler.inventory.BackupInventory;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The {@code backups} health component: one indicator per checked BACKUP or VERIFY job. */
@Configuration(proxyBeanMethods = false)
class BackupHealthConfiguration {

    private static final Logger log = LoggerFactory.getLogger(BackupHealthConfiguration.class);

    @Bean
    HealthContributor backupsHealthContributor(BackupChecks checks, BackupInventory inventory, Clock clock) {
        Instant startedAt = clock.instant();
        Map<String, HealthContributor> indicators = new LinkedHashMap<>();
        for (BackupCheck check : checks.checks()) {
            indicators.put(check.job(), new BackupHealthIndicator(check, inventory, startedAt, clock));
            log.info("Health of {} ({}, series {}): DOWN when the newest {} in the bucket is older than {} ({})", check.job(),
                    check.type(), check.series(), check.type().name().equals("VERIFY") ? "verification" : "backup",
                    check.maxAge(), check.maxAgeOrigin());
        }
        if (!checks.unchecked().isEmpty()) {
            log.info("Health of {} not checked: no cron schedule and no max-age", checks.unchecked());
        }
        return CompositeHealthContributor.fromMap(indicators);
    }
}
