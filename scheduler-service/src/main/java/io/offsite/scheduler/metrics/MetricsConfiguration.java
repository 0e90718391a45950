package io.offsite.scheduler.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.offsite.scheduler.jobs.JobCatalog;
import io.offsite.scheduler.jobs.JobDefinition;
import io.offsite.scheduler.runs.LeadershipStatus;
import io.offsite.scheduler.runs.Scheduler;
import io.offsite.scheduler.runs.SchedulerObserver;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Per-job counters of decisions (each present at 0 from the start) and a last-success gauge per job. */
@Configuration(proxyBeanMethods = false)
class MetricsConfiguration {

    @Bean
    SchedulerObserver schedulerObserver(MeterRegistry registry, JobCatalog catalog) {
        MicrometerSchedulerObserver observer = new MicrometerSchedulerObserver(registry);
        catalog.all().forEach(job -> observer.registerJob(job.name()));
        return observer;
    }

    @Bean
    MeterBinder schedulerGauges(JobCatalog catalog, Scheduler scheduler, LeadershipStatus leadership) {
        return registry -> {
            for (JobDefinition job : catalog.all()) {
                Gauge.builder("offsite.scheduler.last.success", scheduler,
                                s -> s.lastSuccess(job.name()).map(i -> i.toEpochMilli() / 1000.0).orElse(Double.NaN))
                        .description("Finish time of the job's last SUCCEEDED run, seconds since the epoch")
                        .baseUnit("seconds")
                        .tag("job", job.name())
                        .register(registry);
            }
            Gauge.builder("offsite.scheduler.leader", leadership, l -> l.isLeader() ? 1 : 0)
                    .description("1 while this replica leads")
                    .register(registry);
        };
    }
}
