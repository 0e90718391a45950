package io.offsite.launcher;

import io.offsite.events.Topics;
import io.offsite.events.serde.EventDecodingException;
import io.offsite.events.serde.EventDeserializer;
import io.offsite.events.v1.JobCompleted;
import io.offsite.localstack.kafka.KafkaAccess;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * The command line's view of the job-events topic from the moment it was opened: every partition assigned (no
 * consumer group, so nothing to join or rebalance), positioned at the end before the caller triggers anything, then
 * read on the caller's thread. Short timeouts throughout: a command waits for a person.
 */
final class CompletionWatch implements AutoCloseable {

    /** How long the broker's metadata and end offsets may take before the command gives up. */
    static final Duration SETUP_TIMEOUT = Duration.ofSeconds(15);

    private final KafkaConsumer<String, byte[]> consumer;
    private final EventDeserializer deserializer = new EventDeserializer();

    CompletionWatch(KafkaAccess reader) {
        Map<String, Object> config = new HashMap<>(reader.clientConfig());
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, "offsite-cli");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        // a fetch with nothing new returns after this long; one with a new record returns at once
        config.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 100);
        config.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) SETUP_TIMEOUT.toMillis());
        config.put(ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) SETUP_TIMEOUT.toMillis());
        config.put(ConsumerConfig.RECONNECT_BACKOFF_MS_CONFIG, 20);
        config.put(ConsumerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 500);
        config.put(ConsumerConfig.RETRY_BACKOFF_MS_CONFIG, 20);
        // no JMX metrics for a command that lives seconds
        config.put(ConsumerConfig.METRIC_REPORTER_CLASSES_CONFIG, "");
        this.consumer = new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer());
        try {
            List<PartitionInfo> infos = consumer.partitionsFor(Topics.JOB_EVENTS, SETUP_TIMEOUT);
            if (infos == null || infos.isEmpty()) {
                throw new CommandFailure("Kafka has no topic " + Topics.JOB_EVENTS + ": is this Offsite's broker? 'offsite kafka-setup' creates the topics");
            }
            List<TopicPartition> partitions = infos.stream().map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToEnd(partitions);
            partitions.forEach(p -> consumer.position(p, SETUP_TIMEOUT));
        } catch (RuntimeException e) {
            consumer.close(Duration.ZERO);
            throw e;
        }
    }

    /** The completions of {@code runId} among the events that arrive within {@code wait} (returns early when some do). */
    List<JobCompleted> poll(String runId, Duration wait) {
        List<JobCompleted> found = new ArrayList<>();
        for (ConsumerRecord<String, byte[]> record : consumer.poll(wait)) {
            try {
                if (deserializer.deserialize(record.topic(), record.value()) instanceof JobCompleted c && c.getRunId().equals(runId)) {
                    found.add(c);
                }
            } catch (EventDecodingException e) {
                // the topic is shared: records that are not events are no concern of the command
            }
        }
        return found;
    }

    /** Closes at once: no group to leave, no offsets to commit. */
    @Override
    public void close() {
        consumer.close(Duration.ZERO);
    }
}
