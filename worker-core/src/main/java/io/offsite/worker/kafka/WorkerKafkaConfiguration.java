package io.offsite.worker.kafka;

import io.micrometer.core.instrument.MeterRegistry;
import io.offsite.events.Topics;
import io.offsite.events.serde.EventDeserializer;
import io.offsite.events.serde.EventSerializer;
import io.offsite.worker.config.WorkerProperties;
import io.offsite.worker.job.JobHandler;
import io.offsite.worker.runtime.EventPublisher;
import io.offsite.worker.runtime.JobRunner;
import io.offsite.worker.runtime.WorkerShutdownException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.config.TopicBuilder;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.listener.ConcurrentMessageListenerContainer;
import org.springframework.kafka.listener.ContainerProperties;
import org.springframework.kafka.listener.DeadLetterPublishingRecoverer;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.kafka.support.serializer.DelegatingByTypeSerializer;
import org.springframework.kafka.support.serializer.ErrorHandlingDeserializer;
import org.springframework.util.backoff.ExponentialBackOff;

/**
 * Kafka wiring of a worker: one request-topic container per job handler (one record at a time, committed after its
 * completion is published), the dead-letter route for undecodable records, the event producer and the topics.
 */
@Configuration(proxyBeanMethods = false)
public class WorkerKafkaConfiguration {

    @Bean
    KafkaTemplate<String, SpecificRecord> offsiteEventTemplate(KafkaProperties kafka) {
        Map<String, Object> props = new HashMap<>(kafka.buildProducerProperties());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 30_000);
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 60_000);
        return new KafkaTemplate<>(new DefaultKafkaProducerFactory<>(props, new StringSerializer(), new EventSerializer()));
    }

    @Bean
    EventPublisher offsiteEventPublisher(KafkaTemplate<String, SpecificRecord> offsiteEventTemplate) {
        return new KafkaEventPublisher(offsiteEventTemplate);
    }

    @Bean
    DefaultErrorHandler offsiteRequestErrorHandler(KafkaProperties kafka) {
        Map<String, Object> props = new HashMap<>(kafka.buildProducerProperties());
        var values = new DelegatingByTypeSerializer(Map.of(
                byte[].class, new ByteArraySerializer(),
                SpecificRecord.class, new EventSerializer()), true);
        KafkaTemplate<String, Object> dlt = new KafkaTemplate<>(new DefaultKafkaProducerFactory<>(props, new StringSerializer(), values));
        DeadLetterPublishingRecoverer recoverer = new DeadLetterPublishingRecoverer(dlt,
                (record, exception) -> new TopicPartition(Topics.deadLetterTopic(record.topic()), -1));
        // Undecodable or wrong records are dead-lettered at once; anything else (the broker unreachable while
        // publishing a completion) is retried with back-off, never dead-lettered: a valid request must not be lost.
        ExponentialBackOff backOff = new ExponentialBackOff(1000, 2.0);
        backOff.setMaxInterval(30_000);
        DefaultErrorHandler handler = new DefaultErrorHandler(recoverer, backOff);
        handler.addNotRetryableExceptions(InvalidRequestRecordException.class);
        handler.addRetryableExceptions(WorkerShutdownException.class);
        return handler;
    }

    /**
     * One request container and one runner per declared {@link JobHandler}, each consuming its own type's request
     * topic in its own consumer group: a long backup never holds up a verification's group rebalance.
     */
    @Bean
    RequestConsumers offsiteRequestConsumers(List<JobHandler> handlers, KafkaProperties kafka, WorkerProperties properties,
                                             EventPublisher publisher, Clock clock, MeterRegistry meters,
                                             DefaultErrorHandler offsiteRequestErrorHandler,
                                             @Value("${spring.application.name:worker}") String application) {
        List<RequestConsumers.Consumer> consumers = new ArrayList<>();
        for (JobHandler handler : RequestConsumers.checkDistinctTypes(handlers)) {
            JobRunner runner = new JobRunner(handler, publisher, clock, WorkerIdentity.of(application), properties, meters);
            consumers.add(new RequestConsumers.Consumer(handler.jobType(), runner,
                    container(kafka, properties, handler, runner, offsiteRequestErrorHandler, handlers.size() > 1)));
        }
        return new RequestConsumers(consumers);
    }

    private static ConcurrentMessageListenerContainer<String, SpecificRecord> container(
            KafkaProperties kafka, WorkerProperties properties, JobHandler handler, JobRunner runner,
            DefaultErrorHandler offsiteRequestErrorHandler, boolean severalHandlers) {
        String type = handler.jobType().name().toLowerCase(Locale.ROOT);
        Map<String, Object> props = new HashMap<>(kafka.buildConsumerProperties());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, groupId(properties.groupId(), type, severalHandlers));
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 1);
        props.put(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, (int) Math.min(Integer.MAX_VALUE, properties.maxPollInterval().toMillis()));
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.putIfAbsent(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        var consumers = new DefaultKafkaConsumerFactory<String, SpecificRecord>(props, new StringDeserializer(),
                new ErrorHandlingDeserializer<>(new EventDeserializer()));
        ContainerProperties container = new ContainerProperties(handler.jobType().requestTopic());
        container.setAckMode(ContainerProperties.AckMode.RECORD);
        container.setMessageListener(new RequestListener(runner));
        container.setShutdownTimeout(properties.shutdownGrace().plus(properties.cleanupGrace()).toMillis() + 5000);
        var listener = new ConcurrentMessageListenerContainer<>(consumers, container);
        listener.setConcurrency(properties.concurrency());
        listener.setCommonErrorHandler(offsiteRequestErrorHandler);
        listener.setBeanName("offsite-" + type + "-requests");
        return listener;
    }

    /**
     * The consumer group of one handler: {@code offsite-<type>-workers} by default; a configured group id is used as
     * it is by a worker with one handler, and suffixed with {@code -<type>} when the worker has several.
     */
    static String groupId(String configured, String type, boolean severalHandlers) {
        if (configured == null || configured.isBlank()) {
            return "offsite-" + type + "-workers";
        }
        return severalHandlers ? configured + "-" + type : configured;
    }

    @Bean
    KafkaAdmin.NewTopics offsiteWorkerTopics(List<JobHandler> handlers, WorkerProperties properties) {
        List<NewTopic> topics = new ArrayList<>();
        for (JobHandler handler : RequestConsumers.checkDistinctTypes(handlers)) {
            String requests = handler.jobType().requestTopic();
            topics.add(TopicBuilder.name(requests).partitions(properties.partitions()).build());
            topics.add(TopicBuilder.name(Topics.deadLetterTopic(requests)).partitions(properties.partitions()).build());
        }
        topics.add(TopicBuilder.name(Topics.JOB_EVENTS).partitions(properties.partitions()).build());
        return new KafkaAdmin.NewTopics(topics.toArray(NewTopic[]::new));
    }
}
