package io.offsite.scheduler.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.offsite.events.TopicRetentionCheck;
import io.offsite.events.TopicSettings;
import io.offsite.events.Topics;
import io.offsite.scheduler.jobs.JobType;
import io.offsite.scheduler.config.SchedulerProperties;
import io.offsite.scheduler.cron.CronSchedule;
import io.offsite.scheduler.health.BackupChecks;
import io.offsite.scheduler.jobs.JobCatalog;
import io.offsite.scheduler.jobs.JobDefinition;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How long the scheduler's topics must keep records for a restarted scheduler to know what it knew. */
class EventLogRetentionTest {

    static final Instant NOW = Instant.parse("2026-01-10T12:00:00Z");

    static JobDefinition job(String name, JobType type, String cron) {
        return new JobDefinition(name, type, cron == null ? null : CronSchedule.parse(cron, ZoneOffset.UTC), Duration.ofMinutes(5), 0,
                Duration.ofSeconds(30), true, List.of(), true, Map.of("source", "s", "series", "s"));
    }

    @Test
    void theLongestScheduleDecides() {
        JobCatalog catalog = new JobCatalog(List.of(job("daily", JobType.BACKUP, "0 0 * * *"),
                job("monthly", JobType.ROTATION, "0 1 1 * *"), job("manual", JobType.REPLICATION, null)), List.of());
        EventLogRetention needed = EventLogRetention.needed(catalog, BackupChecks.of(catalog, Map.of(), NOW), NOW).orElseThrow();
        assertThat(needed.job()).isEqualTo("monthly");
        assertThat(needed.minimum()).isEqualTo(Duration.ofDays(62));
        assertThat(needed.reason()).contains("job monthly needs 2 x the longest gap of '0 1 1 * *'");
    }

    @Test
    void aYearlyJobNeedsMoreThanTheDefaultAndIsWarnedAbout() {
        JobCatalog catalog = new JobCatalog(List.of(job("yearly", JobType.BACKUP, "0 0 1 1 *")), List.of());
        BackupChecks checks = BackupChecks.of(catalog, Map.of(), NOW);
        var required = KafkaConfiguration.requiredRetention(TopicSettings.DEFAULTS, properties(), catalog, checks, NOW);
        assertThat(required.get(Topics.JOB_EVENTS).minimum()).isGreaterThan(TopicSettings.DEFAULT_EVENT_RETENTION);
        assertThat(required.get(Topics.REQUESTS_BACKUP).minimum()).isEqualTo(required.get(Topics.JOB_EVENTS).minimum());
        assertThat(required).doesNotContainKey(Topics.deadLetterTopic(Topics.REQUESTS_BACKUP));
        // an ordinary daily schedule needs no more than configured
        JobCatalog daily = new JobCatalog(List.of(job("daily", JobType.BACKUP, "0 0 * * *")), List.of());
        Map<String, TopicRetentionCheck.Requirement> ordinary = KafkaConfiguration.requiredRetention(TopicSettings.DEFAULTS, properties(),
                daily, BackupChecks.of(daily, Map.of(), NOW), NOW);
        assertThat(ordinary.get(Topics.JOB_EVENTS).minimum()).isEqualTo(TopicSettings.DEFAULT_EVENT_RETENTION);
    }

    private static SchedulerProperties properties() {
        return new SchedulerProperties(null, SchedulerProperties.ApiAuth.REQUIRED, Duration.ofSeconds(1), Duration.ofMinutes(10), Duration.ofSeconds(30), 10_000, null,
                Topics.SCHEDULER_LEADERSHIP, "offsite-scheduler", Duration.ofSeconds(6), 6, (short) 1, Duration.ofSeconds(10),
                List.of(), Map.of(), new SchedulerProperties.Webhook(null, SchedulerProperties.Webhook.Notify.ALL, Duration.ofSeconds(5),
                        3, Duration.ofSeconds(1), "offsite-scheduler-webhook", Map.of()), new SchedulerProperties.History(1000));
    }
}
