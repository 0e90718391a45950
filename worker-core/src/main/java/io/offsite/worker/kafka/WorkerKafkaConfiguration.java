package io.offsite.worker.kafka;

import io.micrometer.core.instrument.MeterRegistry;
import io.offsite.events.RejectedEvents;
import io.offsite.events.RequestLimits;
import io.offsite.events.KafkaStartupChecks;
import io.offsite.events.TopicRetentionCheck;
import io.offsite.events.TopicSettings;
import io.offsite.events.TopicSpec;
import io.offsite.events.Topics;
import io.offsite.events.serde.EventDeserializer;
import io.offsite.events.serde.EventSerializer;
import io.offsite.worker.settings.WorkerProperties;
import io.offsite.worker.job.JobHandler;
import io.offsite.worker.runtime.EventPublisher;
import io.offsite.worker.runtime.JobNameTags;
import io.offsite.worker.runtime.JobRunner;
import io.offsite.worker.runtime.UnpublishableEventException;
import io.offsite.worker.runtime.WorkerShutdownException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.GroupProtocol;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.listener.KafkaMessageListenerContainer;
import org.springframework.kafka.listener.ContainerProperties;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.kafka.support.ProducerListener;
import org.springframework.kafka.support.serializer.DelegatingByTypeSerializer;
import org.springframework.kafka.support.serializer.ErrorHandlingDeserializer;
import org.springframework.core.env.Environment;
import org.springframework.util.backoff.ExponentialBackOff;

/**
 * Kafka wiring of a worker: one request-topic container per job handler (one record at a time, committed after its
 * completion is published), the dead-letter route for records it refuses, the event producer and the topics.
 */
@Configuration(proxyBeanMethods = false)
public class WorkerKafkaConfiguration {

    @Bean
    KafkaTemplate<String, SpecificRecord> offsiteEventTemplate(KafkaProperties kafka) {
        return new KafkaTemplate<>(new DefaultKafkaProducerFactory<>(producerProperties(kafka), new StringSerializer(), new EventSerializer()));
    }

    private static Map<String, Object> producerProperties(KafkaProperties kafka) {
        Map<String, Object> props = new HashMap<>(kafka.buildProducerProperties());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 30_000);
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 60_000);
        return props;
    }

    /** The producer's {@code max.request.size} (Kafka's default 1 MiB when not configured). */
    static int maxRequestSize(Map<String, Object> producer) {
        Object value = producer.get(ProducerConfig.MAX_REQUEST_SIZE_CONFIG);
        return value == null ? JobRunner.DEFAULT_MAX_REQUEST_SIZE : Integer.parseInt(value.toString().trim());
    }

    @Bean
    EventPublisher offsiteEventPublisher(KafkaTemplate<String, SpecificRecord> offsiteEventTemplate) {
        return new KafkaEventPublisher(offsiteEventTemplate);
    }

    @Bean
    RecordRejecter offsiteRecordRejecter(KafkaProperties kafka, MeterRegistry meters) {
        var values = new DelegatingByTypeSerializer(Map.of(
                byte[].class, new ByteArraySerializer(),
                SpecificRecord.class, new EventSerializer()), true);
        KafkaTemplate<String, Object> dlt = new KafkaTemplate<>(new DefaultKafkaProducerFactory<>(producerProperties(kafka),
                new StringSerializer(), values));
        dlt.setProducerListener(new ProducerListener<>() {
            // a failed dead letter is reported once, by the recoverer's WARN line
        });
        return new RecordRejecter(dlt, new RejectedEvents(meters));
    }

    /** Back-off between attempts at a request whose events could not be published for now: 1 s doubling up to 30 s. */
    static ExponentialBackOff retryBackOff() {
        ExponentialBackOff backOff = new ExponentialBackOff(1000, 2.0);
        backOff.setMaxInterval(30_000);
        return backOff;
    }

    @Bean
    DefaultErrorHandler offsiteRequestErrorHandler(RecordRejecter offsiteRecordRejecter) {
        // Refused records (undecodable, empty, not a request, past the limits) are dead-lettered at once, or skipped
        // when even that is impossible, and their offsets committed; anything else is retried with back-off, never
        // dropped: a valid request must not be lost. (Runs themselves fail on their job threads: RequestListener.)
        DefaultErrorHandler handler = new DefaultErrorHandler(offsiteRecordRejecter, retryBackOff());
        handler.addNotRetryableExceptions(RejectedRecordException.class, UnpublishableEventException.class);
        handler.addRetryableExceptions(WorkerShutdownException.class);
        handler.setCommitRecovered(true);
        return handler;
    }

    /**
     * One request container and one runner per declared {@link JobHandler}, each consuming its own type's request
     * topic in its own consumer group: a long backup never holds up a verification's group rebalance.
     */
    @Bean
    RequestConsumers offsiteRequestConsumers(List<JobHandler> handlers, KafkaProperties kafka, WorkerProperties properties,
                                             EventPublisher publisher, Clock clock, MeterRegistry meters,
                                             DefaultErrorHandler offsiteRequestErrorHandler, RecordRejecter offsiteRecordRejecter,
                                             JobNameTags jobTags, @Value("${spring.application.name:worker}") String application) {
        List<RequestConsumers.Consumer> consumers = new ArrayList<>();
        int maxRequestSize = maxRequestSize(producerProperties(kafka));
        RequestLimits limits = properties.limits().requestLimits();
        for (JobHandler handler : RequestConsumers.checkDistinctTypes(handlers)) {
            String group = groupId(properties.groupId(), type(handler), handlers.size() > 1);
            JobRunner runner = new JobRunner(handler, publisher, clock, WorkerIdentity.of(application), properties, meters,
                    group, jobTags, maxRequestSize);
            RequestListener requests = new RequestListener(runner, limits, offsiteRecordRejecter, group, retryBackOff(),
                    properties.concurrency(), "requests-" + type(handler));
            var container = container(kafka, properties, handler, group, requests, offsiteRequestErrorHandler);
            requests.attach(container);
            consumers.add(new RequestConsumers.Consumer(handler.jobType(), runner, requests, container));
        }
        return new RequestConsumers(consumers);
    }

    private static String type(JobHandler handler) {
        return handler.jobType().name().toLowerCase(Locale.ROOT);
    }

    /**
     * The request container of one handler: ONE consumer, which keeps polling while the jobs run on the listener's
     * job threads ({@code offsite.worker.concurrency} of them), so this instance answers its group's rebalances at
     * once even when it is busy. Offsets are committed when a run's completion is published.
     */
    private static KafkaMessageListenerContainer<String, SpecificRecord> container(
            KafkaProperties kafka, WorkerProperties properties, JobHandler handler, String group, RequestListener requests,
            DefaultErrorHandler offsiteRequestErrorHandler) {
        String type = type(handler);
        var consumers = new DefaultKafkaConsumerFactory<String, SpecificRecord>(consumerProperties(kafka, properties, group),
                new StringDeserializer(), new ErrorHandlingDeserializer<>(new EventDeserializer()));
        ContainerProperties container = new ContainerProperties(handler.jobType().requestTopic());
        // acknowledged by the job thread; committed at once (by the consumer thread), and for a refused record once
        // it is dead-lettered (commitRecovered needs MANUAL_IMMEDIATE)
        container.setAckMode(ContainerProperties.AckMode.MANUAL_IMMEDIATE);
        container.setMessageListener(requests);
        container.setConsumerRebalanceListener(requests);
        container.setPollTimeout(POLL_TIMEOUT.toMillis());
        container.setShutdownTimeout(properties.shutdownGrace().plus(properties.cleanupGrace()).toMillis() + 5000);
        var listener = new KafkaMessageListenerContainer<>(consumers, container);
        listener.setCommonErrorHandler(offsiteRequestErrorHandler);
        listener.setBeanName("offsite-" + type + "-requests");
        return listener;
    }

    /** How long one poll waits for a record: also how soon a paused partition is resumed after its run. */
    static final Duration POLL_TIMEOUT = Duration.ofSeconds(1);

    static Map<String, Object> consumerProperties(KafkaProperties kafka, WorkerProperties properties, String group) {
        Map<String, Object> props = new HashMap<>(kafka.buildConsumerProperties());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 1);
        props.put(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, (int) Math.min(Integer.MAX_VALUE, properties.maxPollInterval().toMillis()));
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.putIfAbsent(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        if (GroupProtocol.CLASSIC.name().equalsIgnoreCase(String.valueOf(
                props.getOrDefault(ConsumerConfig.GROUP_PROTOCOL_CONFIG, ConsumerConfig.DEFAULT_GROUP_PROTOCOL)))) {
            // a killed instance's partitions (and the request it was running) move after the session timeout, not
            // Kafka's 45 s; the broker's consumer protocol sets these itself (group.consumer.session.timeout.ms)
            props.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, (int) properties.sessionTimeout().toMillis());
            props.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, (int) properties.heartbeatInterval().toMillis());
            // a rebalance takes only the partitions that move: a run whose partition stays keeps its right to commit
            props.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, CooperativeStickyAssignor.class.getName());
        }
        return props;
    }

    /**
     * The consumer group of one handler: {@code offsite-<type>-workers} by default; a configured group id is used as
     * it is by a worker with one handler, and suffixed with {@code -<type>} when the worker has several.
     */
    static String groupId(String configured, String type, boolean severalHandlers) {
        if (configured == null || configured.isBlank()) {
            return Topics.JobType.parse(type).workerGroup();
        }
        return severalHandlers ? configured + "-" + type : configured;
    }

    /** Offsite's topic settings with this worker's partitions ({@code offsite.worker.partitions}). */
    static TopicSettings topicSettings(Environment environment, WorkerProperties properties) {
        return TopicSettings.from(environment::getProperty).withPartitions(properties.partitions());
    }

    /** The topics this worker uses, created with their settings when missing: its request and dead-letter topics, the events. */
    static List<TopicSpec> topics(List<JobHandler> handlers, TopicSettings settings) {
        List<TopicSpec> topics = new ArrayList<>();
        for (JobHandler handler : RequestConsumers.checkDistinctTypes(handlers)) {
            topics.add(settings.requests(handler.jobType()));
            topics.add(settings.deadLetters(handler.jobType()));
        }
        topics.add(settings.jobEvents());
        return topics;
    }

    @Bean
    KafkaAdmin.NewTopics offsiteWorkerTopics(List<JobHandler> handlers, WorkerProperties properties, Environment environment) {
        return new KafkaAdmin.NewTopics(topics(handlers, topicSettings(environment, properties)).stream()
                .map(TopicSpec::newTopic).toArray(NewTopic[]::new));
    }

    /** Once started: a WARN when the connection is unauthenticated or a topic keeps records shorter than configured. */
    @Bean
    ApplicationListener<ApplicationReadyEvent> offsiteKafkaStartupChecks(List<JobHandler> handlers, WorkerProperties properties,
                                                                         Environment environment, KafkaAdmin kafkaAdmin,
                                                                         @Value("${spring.application.name:worker}") String application) {
        return event -> KafkaStartupChecks.run(application, kafkaAdmin.getConfigurationProperties(),
                TopicRetentionCheck.configured(topics(handlers, topicSettings(environment, properties)),
                        "as configured, offsite.topics.*-retention"));
    }
}
