package io.offsite.scheduler.jobs;

import io.offsite.scheduler.cron.CronSchedule;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One job the scheduler runs: what to request, when, and how to treat failures. Immutable and
 * valid by construction; build it from configuration with {@link JobDraft#toDefinition()}.
 *
 * @param schedule   null for a job that only runs on dependency or manual triggers
 * @param retries    how many attempts may follow a failed first attempt
 * @param dependsOn  jobs whose successful completion triggers this one (ours or external)
 */
public record JobDefinition(
        String name,
        JobType type,
        CronSchedule schedule,
        Duration timeout,
        int retries,
        Duration retryDelay,
        boolean exclusive,
        List<String> dependsOn,
        boolean enabled,
        Map<String, String> parameters) {

    public JobDefinition {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(retryDelay, "retryDelay");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new InvalidJobDefinitionException(name, "timeout", "must be positive, was " + timeout);
        }
        if (retries < 0) {
            throw new InvalidJobDefinitionException(name, "retries", "must not be negative, was " + retries);
        }
        if (retryDelay.isNegative()) {
            throw new InvalidJobDefinitionException(name, "retry-delay", "must not be negative, was " + retryDelay);
        }
        dependsOn = List.copyOf(dependsOn);
        parameters = Map.copyOf(parameters);
    }

    public int maxAttempts() {
        return retries + 1;
    }
}
