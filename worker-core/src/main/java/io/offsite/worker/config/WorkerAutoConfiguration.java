package io.offsite.worker.config;

import io.offsite.worker.job.JobHandler;
import io.offsite.worker.kafka.WorkerKafkaConfiguration;
import io.offsite.worker.storage.ObjectStore;
import io.offsite.worker.storage.StorageProperties;
import java.time.Clock;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;

/**
 * The job runtime, switched on by the presence of a {@link JobHandler} bean: a worker application declares one
 * handler per job type it runs and gets, for each, a request consumer in the type's own consumer group
 * ({@code offsite-<type>-workers}), plus completion events, deadlines, dead letters, metrics and the object store.
 */
@AutoConfiguration(after = KafkaAutoConfiguration.class)
@ConditionalOnBean(JobHandler.class)
@EnableConfigurationProperties({WorkerProperties.class, StorageProperties.class})
@Import(WorkerKafkaConfiguration.class)
public class WorkerAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    Clock offsiteClock() {
        return Clock.systemUTC();
    }

    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    ObjectStore offsiteObjectStore(StorageProperties properties) {
        return new ObjectStore(properties);
    }
}
