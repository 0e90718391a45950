package io.offsite.scheduler.config;

import io.offsite.scheduler.health.BackupChecks;
import io.offsite.scheduler.inventory.BackupInventory;
import io.offsite.scheduler.jobs.JobCatalog;
import io.offsite.scheduler.jobs.JobDefinition;
import io.offsite.scheduler.jobs.JobDraft;
import io.offsite.scheduler.runs.EventPublisher;
import io.offsite.scheduler.runs.RequestCheck;
import io.offsite.scheduler.runs.Scheduler;
import io.offsite.scheduler.runs.SchedulerCore;
import io.offsite.scheduler.runs.SchedulerObserver;
import io.offsite.scheduler.runs.SchedulerPolicy;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Builds the validated job catalog and the scheduler from {@link SchedulerProperties}. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(SchedulerProperties.class)
class SchedulerConfiguration {

    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }

    @Bean
    JobCatalog jobCatalog(SchedulerProperties properties) {
        return catalogOf(properties);
    }

    @Bean
    SchedulerPolicy schedulerPolicy(SchedulerProperties properties) {
        return new SchedulerPolicy(properties.missedFireGrace(), properties.timeoutGrace(), properties.historyLimit(),
                instanceId(properties), properties.history().runsPerJob());
    }

    @Bean
    Scheduler scheduler(JobCatalog catalog, SchedulerPolicy policy, EventPublisher publisher, SchedulerObserver observer,
            Clock clock, BackupInventory inventory, RequestCheck busLimits) {
        return new Scheduler(new SchedulerCore(catalog, policy, inventory::concluded), publisher, observer, clock, busLimits);
    }

    @Bean
    BackupChecks backupChecks(JobCatalog catalog, SchedulerProperties properties, Clock clock) {
        return BackupChecks.of(catalog, maxAgesOf(properties), clock.instant());
    }

    /** Validates every configured job; throws naming the job and field of the first problem. */
    static JobCatalog catalogOf(SchedulerProperties properties) {
        List<JobDefinition> definitions = new ArrayList<>();
        for (Map.Entry<String, SchedulerProperties.Job> entry : new TreeMap<>(properties.jobs()).entrySet()) {
            SchedulerProperties.Job job = entry.getValue();
            definitions.add(new JobDraft(entry.getKey(), job.type(), job.cron(), job.zone(), job.timeout(), job.retries(),
                    job.retryDelay(), job.exclusive(), job.dependsOn(), job.enabled(), job.parameters()).toDefinition());
        }
        return new JobCatalog(definitions, properties.externalJobs());
    }

    /** The configured {@code max-age} of each job that has one. */
    static Map<String, Duration> maxAgesOf(SchedulerProperties properties) {
        Map<String, Duration> maxAges = new TreeMap<>();
        properties.jobs().forEach((name, job) -> {
            if (job.maxAge() != null) {
                maxAges.put(name, job.maxAge());
            }
        });
        return maxAges;
    }

    static String instanceId(SchedulerProperties properties) {
        if (properties.instanceId() != null && !properties.instanceId().isBlank()) {
            return properties.instanceId();
        }
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            host = "unknown-host";
        }
        return "scheduler@" + host + ":" + ManagementFactory.getRuntimeMXBean().getPid();
    }
}
