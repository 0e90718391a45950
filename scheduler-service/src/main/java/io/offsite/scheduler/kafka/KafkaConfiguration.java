package io.offsite.scheduler.kafka;

import io.micrometer.core.instrument.MeterRegistry;
import io.offsite.events.KafkaStartupChecks;
import io.offsite.events.RejectedEvents;
import io.offsite.events.TopicRetentionCheck;
import io.offsite.events.TopicSettings;
import io.offsite.events.TopicSpec;
import io.offsite.events.Topics;
import io.offsite.events.serde.EventSerializer;
import io.offsite.scheduler.config.SchedulerProperties;
import io.offsite.scheduler.health.BackupChecks;
import io.offsite.scheduler.jobs.JobCatalog;
import io.offsite.scheduler.runs.EventLogStatus;
import io.offsite.scheduler.runs.EventPublisher;
import io.offsite.scheduler.runs.LeadershipStatus;
import io.offsite.scheduler.runs.RequestCheck;
import io.offsite.scheduler.runs.Scheduler;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.kafka.core.KafkaTemplate;

/** Wires the scheduler to Kafka: publisher, event-log reader, leader election and the ticker. */
@Configuration(proxyBeanMethods = false)
class KafkaConfiguration {

    /**
     * The decisions' {@code linger.ms}: the scheduler publishes one decision at a time and waits for it before the next,
     * so there is never a second record to batch with, and lingering (Kafka's default is 5 ms) only delays every
     * dependent, retry and fire. {@code spring.kafka.producer.properties.linger.ms} takes precedence.
     */
    static final int DECISION_LINGER_MS = 0;

    @Bean
    KafkaTemplate<String, SpecificRecord> schedulerKafkaTemplate(KafkaProperties kafka) {
        Map<String, Object> config = new HashMap<>(kafka.buildProducerProperties());
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, EventSerializer.class);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, DECISION_LINGER_MS);
        return new KafkaTemplate<>(new DefaultKafkaProducerFactory<>(config));
    }

    /** The bus's limits of a request, for the requests the scheduler publishes itself (see {@link InboundEvents}). */
    @Bean
    RequestCheck busRequestLimits() {
        return InboundEvents::refusal;
    }

    @Bean
    EventPublisher kafkaEventPublisher(KafkaTemplate<String, SpecificRecord> schedulerKafkaTemplate,
            SchedulerProperties properties) {
        return new KafkaEventPublisher(schedulerKafkaTemplate, properties.publishTimeout());
    }

    /** Offsite's topic settings with the scheduler's partitions and replication factor. */
    static TopicSettings topicSettings(Environment environment, SchedulerProperties properties) {
        return TopicSettings.from(environment::getProperty).withPartitions(properties.topicPartitions())
                .withReplicationFactor(properties.topicReplicationFactor());
    }

    /** The topics the scheduler uses, created with their settings when missing. */
    static List<TopicSpec> topics(TopicSettings settings, SchedulerProperties properties) {
        List<TopicSpec> topics = new ArrayList<>();
        topics.add(settings.jobEvents());
        for (Topics.JobType type : Topics.JobType.values()) {
            topics.add(settings.requests(type));
            topics.add(settings.deadLetters(type));
        }
        topics.add(settings.leadership(properties.leadershipTopic()));
        return topics;
    }

    @Bean
    KafkaAdmin.NewTopics schedulerTopics(SchedulerProperties properties, Environment environment) {
        return new KafkaAdmin.NewTopics(topics(topicSettings(environment, properties), properties).stream()
                .map(TopicSpec::newTopic).toArray(NewTopic[]::new));
    }

    /**
     * What the scheduler's state topics must keep: their configured retention, and at least what its jobs need
     * ({@link EventLogRetention}).
     */
    static Map<String, TopicRetentionCheck.Requirement> requiredRetention(TopicSettings settings, SchedulerProperties properties,
            JobCatalog catalog, BackupChecks checks, Instant now) {
        Map<String, TopicRetentionCheck.Requirement> required = TopicRetentionCheck.configured(
                topics(settings, properties).stream().filter(t -> SchedulerTopics.stateTopics().contains(t.name())).toList(),
                "as configured, offsite.topics.*-retention");
        EventLogRetention.needed(catalog, checks, now).ifPresent(needed -> SchedulerTopics.stateTopics()
                .forEach(topic -> TopicRetentionCheck.atLeast(required, topic, needed.minimum(), needed.reason())));
        return required;
    }

    /** Once started: a WARN when the connection is unauthenticated or a state topic keeps records too briefly. */
    @Bean
    ApplicationListener<ApplicationReadyEvent> schedulerKafkaStartupChecks(SchedulerProperties properties, Environment environment,
            KafkaAdmin kafkaAdmin, JobCatalog catalog, BackupChecks checks, Clock clock) {
        return event -> KafkaStartupChecks.run("scheduler-service", kafkaAdmin.getConfigurationProperties(),
                requiredRetention(topicSettings(environment, properties), properties, catalog, checks, clock.instant()));
    }

    @Bean
    EventLogReader eventLogReader(KafkaProperties kafka, Scheduler scheduler, MeterRegistry registry) {
        return new EventLogReader(() -> {
            Map<String, Object> config = new HashMap<>(kafka.buildConsumerProperties());
            config.remove(ConsumerConfig.GROUP_ID_CONFIG);
            config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
            config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
            config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
            config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
            config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
            readerFetchSettings().forEach(config::putIfAbsent);
            return new KafkaConsumer<>(config);
        }, SchedulerTopics.stateTopics(), scheduler, new RejectedEvents(registry));
    }

    /**
     * Fetch sizes of the event-log reader, which reads whole topics from the beginning: larger fetches than the
     * consumer defaults (1 MiB per partition, 500 records per poll) read a long history several times faster
     * (bench/startup). They stay moderate because fetched bytes are live heap while the history is folded; they bound
     * the reader's fetch buffer to {@code fetch.max.bytes}. {@code spring.kafka.consumer.*} settings take precedence.
     */
    static Map<String, Object> readerFetchSettings() {
        return Map.of(
                ConsumerConfig.FETCH_MAX_BYTES_CONFIG, 16 * 1024 * 1024,
                ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 2 * 1024 * 1024,
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2_000,
                ConsumerConfig.RECEIVE_BUFFER_CONFIG, 1024 * 1024);
    }

    @Bean
    LeadershipElector leadershipElector(KafkaProperties kafka, SchedulerProperties properties, EventLogReader reader,
            Scheduler scheduler) {
        return new LeadershipElector(() -> {
            Map<String, Object> config = new HashMap<>(kafka.buildConsumerProperties());
            config.put(ConsumerConfig.GROUP_ID_CONFIG, properties.leadershipGroup());
            config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
            // sticky: a replica joining does not move leadership away from a healthy leader
            config.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, CooperativeStickyAssignor.class.getName());
            config.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, (int) properties.leadershipSessionTimeout().toMillis());
            config.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG,
                    (int) Math.max(500, properties.leadershipSessionTimeout().toMillis() / 3));
            config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
            config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
            return new KafkaConsumer<>(config);
        }, properties.leadershipTopic(), reader, scheduler::awaitIdle);
    }

    @Bean
    LeaderTicker leaderTicker(Scheduler scheduler, LeadershipElector elector, SchedulerProperties properties, EventLogReader reader) {
        LeaderTicker ticker = new LeaderTicker(scheduler, elector, properties.tickInterval());
        reader.afterCompletions(ticker::nudge); // dependents and retries are decided when their cause is read
        return ticker;
    }

    @Bean
    HealthIndicator schedulerHealthIndicator(EventLogReader reader, LeadershipElector elector, LeaderTicker ticker) {
        return () -> {
            // DOWN while the reader is stopped or the latest tick failed: a replica that cannot decide must not look well
            Health.Builder health = reader.failure() != null ? Health.down(reader.failure())
                    : ticker.lastFailure() != null ? Health.down() : Health.up();
            if (ticker.lastFailure() != null) {
                health.withDetail("lastTickFailure", String.valueOf(ticker.lastFailure().getMessage()));
            }
            return health.withDetail("leader", elector.leading())
                    .withDetail("readyToLead", elector.readyToLead())
                    .withDetail("rejectedRecords", reader.rejected())
                    .build();
        };
    }

    @Bean
    EventLogStatus eventLogStatus(EventLogReader reader) {
        return new EventLogStatus(reader::caughtUp);
    }

    @Bean
    LeadershipStatus leadershipStatus(LeadershipElector elector) {
        return new LeadershipStatus(elector::leading);
    }
}
