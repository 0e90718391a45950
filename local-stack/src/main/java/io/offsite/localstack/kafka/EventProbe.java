package io.offsite.localstack.kafka;

import io.offsite.events.Topics;
import io.offsite.events.serde.EventDecodingException;
import io.offsite.events.serde.EventDeserializer;
import io.offsite.events.serde.EventSerializer;
import io.offsite.events.v1.JobCompleted;
import io.offsite.events.v1.JobStarted;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * A plain Kafka client for tests and tools: publishes events (or raw bytes) the way another system would, and
 * watches the job-events topic from the moment it was created, decoding every record with the shipped serde.
 */
public final class EventProbe implements AutoCloseable {

    private final KafkaAccess reader;
    private final KafkaProducer<String, byte[]> producer;
    private final KafkaConsumer<String, byte[]> consumer;
    private final EventDeserializer deserializer = new EventDeserializer();
    private final EventSerializer serializer = new EventSerializer();
    private final List<SpecificRecord> events = new CopyOnWriteArrayList<>();
    private final Thread poller;
    private volatile boolean running = true;

    /** A probe on a broker without authentication. */
    public EventProbe(String bootstrapServers) {
        this(KafkaAccess.open(bootstrapServers), KafkaAccess.open(bootstrapServers));
    }

    /**
     * A probe that publishes as {@code writer} and reads as {@code reader} (e.g. the requester and the auditor of a
     * secure broker); fails at once when the reader may not read the job-events topic.
     */
    public EventProbe(KafkaAccess writer, KafkaAccess reader) {
        this.reader = reader;
        Map<String, Object> producerConfig = new HashMap<>(writer.clientConfig());
        producerConfig.put(ProducerConfig.ACKS_CONFIG, "all");
        producerConfig.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 30_000);
        this.producer = new KafkaProducer<>(producerConfig, new StringSerializer(), new ByteArraySerializer());
        Map<String, Object> consumerConfig = new HashMap<>(reader.clientConfig());
        consumerConfig.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        this.consumer = new KafkaConsumer<>(consumerConfig, new StringDeserializer(), new ByteArrayDeserializer());
        try {
            subscribeFromNow();
        } catch (RuntimeException e) {
            consumer.close(Duration.ofSeconds(1));
            producer.close(Duration.ofSeconds(1));
            throw e;
        }
        this.poller = new Thread(this::poll, "event-probe");
        this.poller.setDaemon(true);
        this.poller.start();
    }

    private void subscribeFromNow() {
        List<TopicPartition> partitions = consumer.partitionsFor(Topics.JOB_EVENTS, Duration.ofSeconds(30)).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(consumer::position);
    }

    private void poll() {
        try {
            while (running) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    try {
                        SpecificRecord event = deserializer.deserialize(record.topic(), record.value());
                        if (event != null) {
                            events.add(event);
                        }
                    } catch (EventDecodingException e) {
                        // the topic is shared: records that are not events are no concern of the probe
                    }
                }
            }
        } catch (WakeupException e) {
            // closing
        } finally {
            consumer.close(Duration.ofSeconds(2));
        }
    }

    /** Publishes an event as another system would, keyed by {@code key}, and waits for the broker's acknowledgement. */
    public void send(String topic, String key, SpecificRecord event) {
        sendRaw(topic, key, serializer.serialize(topic, event));
    }

    public void sendRaw(String topic, String key, byte[] value) {
        try {
            producer.send(new ProducerRecord<>(topic, key, value)).get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("cannot publish to " + topic + ": " + e, e);
        }
    }

    /** Every event seen on the job-events topic since this probe was created. */
    public List<SpecificRecord> events() {
        return List.copyOf(events);
    }

    public List<JobCompleted> completions(String runId) {
        return events.stream().filter(e -> e instanceof JobCompleted c && c.getRunId().equals(runId)).map(e -> (JobCompleted) e).toList();
    }

    public List<JobStarted> starts(String runId) {
        return events.stream().filter(e -> e instanceof JobStarted s && s.getRunId().equals(runId)).map(e -> (JobStarted) e).toList();
    }

    /** Waits for the first completion of {@code runId}; fails with what was seen when none arrives in time. */
    public JobCompleted awaitCompletion(String runId, Duration timeout) {
        return awaitCompletion(c -> c.getRunId().equals(runId), timeout, "run " + runId);
    }

    public JobCompleted awaitCompletion(Predicate<JobCompleted> match, Duration timeout, String description) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            Optional<JobCompleted> found = events.stream().filter(e -> e instanceof JobCompleted).map(e -> (JobCompleted) e)
                    .filter(match).findFirst();
            if (found.isPresent()) {
                return found.get();
            }
            sleep(50);
        }
        throw new AssertionError("no completion of " + description + " within " + timeout + "; events seen: " + events);
    }

    /** Reads every record currently on a topic from the beginning (e.g. a dead-letter topic). */
    public List<ConsumerRecord<String, byte[]>> readAll(String topic, Duration timeout) {
        return readAll(this.reader.clientConfig(), topic, timeout);
    }

    /**
     * Every record on a topic, from the beginning to the end offsets read at the start, by a consumer with
     * {@code clientConfig} (bootstrap servers and login) that joins no group; stops at {@code timeout} with what it read.
     */
    public static List<ConsumerRecord<String, byte[]>> readAll(Map<String, Object> clientConfig, String topic, Duration timeout) {
        List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
        Map<String, Object> config = new HashMap<>(clientConfig);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 4 * 1024 * 1024);
        try (KafkaConsumer<String, byte[]> reader = new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = reader.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            reader.assign(partitions);
            reader.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = reader.endOffsets(partitions);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < deadline && partitions.stream().anyMatch(p -> reader.position(p) < end.get(p))) {
                reader.poll(Duration.ofMillis(200)).forEach(records::add);
            }
        }
        return records;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            poller.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        producer.close(Duration.ofSeconds(2));
    }
}
