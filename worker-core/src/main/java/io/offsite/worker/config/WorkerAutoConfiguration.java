package io.offsite.worker.config;

import io.offsite.worker.job.JobHandler;
import io.offsite.worker.kafka.WorkerKafkaConfiguration;
import io.offsite.worker.runtime.JobNameTags;
import io.offsite.worker.settings.WorkerProperties;
import io.micrometer.core.instrument.MeterRegistry;
import io.offsite.worker.storage.ObjectStore;
import io.offsite.worker.storage.StaleUploadProperties;
import io.offsite.worker.storage.StaleUploadSweeper;
import io.offsite.worker.storage.StaleUploads;
import io.offsite.worker.storage.StorageProperties;
import java.time.Clock;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Lazy;

/**
 * The job runtime, switched on by the presence of a {@link JobHandler} bean: a worker application declares one
 * handler per job type it runs and gets, for each, a request consumer in the type's own consumer group
 * ({@code offsite-<type>-workers}), plus completion events, deadlines, dead letters, metrics and the object store.
 * With {@code offsite.s3.stale-uploads.enabled} it also sweeps what runs that are over left under the staging prefix.
 */
@AutoConfiguration(after = KafkaAutoConfiguration.class)
@ConditionalOnBean(JobHandler.class)
@EnableConfigurationProperties({WorkerProperties.class, StorageProperties.class, StaleUploadProperties.class})
@Import(WorkerKafkaConfiguration.class)
public class WorkerAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    Clock offsiteClock() {
        return Clock.systemUTC();
    }

    /**
     * The {@code job} tag values of every meter of the worker, bounded; the accepted jobs are known from the start and
     * every per-job meter is registered for them at 0.
     */
    @Bean
    @ConditionalOnMissingBean
    JobNameTags offsiteJobNameTags(WorkerProperties properties) {
        return new JobNameTags(properties.acceptedJobs(), properties.expectedJobs(), properties.limits().metricJobNames());
    }

    /**
     * Built when a bean needs it: a worker that never touches the bucket (the replication worker) builds no S3 client
     * and needs no S3 credentials.
     */
    @Bean(destroyMethod = "close")
    @Lazy
    @ConditionalOnMissingBean
    ObjectStore offsiteObjectStore(StorageProperties properties) {
        return new ObjectStore(properties);
    }

    /** The sweep of stale uploads, for the worker that writes to the bucket (the only one that needs to abort). */
    @Bean
    @ConditionalOnProperty(prefix = "offsite.s3.stale-uploads", name = "enabled", havingValue = "true")
    StaleUploadSweeper offsiteStaleUploadSweeper(ObjectStore store, Clock clock, WorkerProperties worker,
                                                 StaleUploadProperties sweep, MeterRegistry meters) {
        StaleUploads uploads = new StaleUploads(store, clock,
                StaleUploads.maxAge(worker.maxRunTime(), worker.cleanupGrace(), sweep.margin()), meters);
        return new StaleUploadSweeper(uploads, store.bucket(), sweep.interval(), meters);
    }
}
