package io.offsite.scheduler.jobs;

import io.offsite.scheduler.cron.CronSchedule;
import io.offsite.scheduler.cron.InvalidCronException;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;

/**
 * A job as written in configuration, before validation: strings where configuration has strings.
 * {@link #toDefinition()} checks every field and names the job and field it rejects.
 */
public record JobDraft(
        String name,
        String type,
        String cron,
        String zone,
        Duration timeout,
        Integer retries,
        Duration retryDelay,
        Boolean exclusive,
        List<String> dependsOn,
        Boolean enabled,
        Map<String, String> parameters) {

    public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(5);

    public JobDefinition toDefinition() {
        if (name == null || name.isBlank() || !name.matches("[A-Za-z0-9][A-Za-z0-9._-]*")) {
            throw new InvalidJobDefinitionException(String.valueOf(name), "name",
                    "must be letters, digits, '.', '_' or '-'");
        }
        if (type == null || type.isBlank()) {
            throw new InvalidJobDefinitionException(name, "type", "is required, one of " + List.of(JobType.values()));
        }
        JobType jobType;
        try {
            jobType = JobType.parse(type.trim());
        } catch (IllegalArgumentException e) {
            throw new InvalidJobDefinitionException(name, "type", e.getMessage(), e);
        }
        ZoneId zoneId;
        try {
            zoneId = zone == null || zone.isBlank() ? ZoneId.of("UTC") : ZoneId.of(zone.trim());
        } catch (DateTimeException e) {
            throw new InvalidJobDefinitionException(name, "zone", "unknown time zone '" + zone + "'", e);
        }
        CronSchedule schedule = null;
        if (cron != null && !cron.isBlank()) {
            try {
                schedule = CronSchedule.parse(cron, zoneId);
            } catch (InvalidCronException e) {
                throw new InvalidJobDefinitionException(name, "cron", e.getMessage(), e);
            }
        }
        return new JobDefinition(
                name,
                jobType,
                schedule,
                timeout == null ? DEFAULT_TIMEOUT : timeout,
                retries == null ? 0 : retries,
                retryDelay == null ? Duration.ZERO : retryDelay,
                exclusive != null && exclusive,
                dependsOn == null ? List.of() : dependsOn.stream().map(String::trim).toList(),
                enabled == null || enabled,
                parameters == null ? Map.of() : parameters);
    }
}
