package io.offsite.scheduler.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.offsite.events.v1.JobRequested;
import io.offsite.events.v1.Trigger;
import io.offsite.localstack.LocalStack;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.kafka.core.KafkaTemplate;

/**
 * The scheduler's producer publishes a decision at once: it sends one record at a time and waits for it, so a
 * {@code linger.ms} above 0 (Kafka's default is 5 ms) would only hold every dependent, retry and fire back.
 */
@Timeout(60)
class DecisionPublishingIT {

    @Test
    void aLoneDecisionIsSentWithoutLingering() throws Exception {
        KafkaProperties kafka = new KafkaProperties();
        kafka.setBootstrapServers(List.of(LocalStack.kafka().bootstrapServers()));
        KafkaTemplate<String, SpecificRecord> template = new KafkaConfiguration().schedulerKafkaTemplate(kafka);
        assertThat(template.getProducerFactory().getConfigurationProperties()).containsEntry(ProducerConfig.LINGER_MS_CONFIG, 0);
        // a topic of this test's own: no scheduler of another test reads it
        String topic = "offsite-test.decisions-" + UUID.randomUUID();
        try (Admin admin = LocalStack.kafka().admin()) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        JobRequested decision = JobRequested.newBuilder().setRunId("rotate-backups@after:x").setJobName("rotate-backups")
                .setJobType("ROTATION").setAttempt(1).setMaxAttempts(1).setTrigger(Trigger.DEPENDENCY).setScheduledFor(now)
                .setRequestedAt(now).setDeadline(now.plusSeconds(60)).setRequestedBy("test").setParameters(Map.of()).build();
        long fastest = Long.MAX_VALUE;
        try {
            for (int i = 0; i < 40; i++) {
                long start = System.nanoTime();
                template.send(topic, "rotate-backups", decision).get(30, TimeUnit.SECONDS);
                fastest = Math.min(fastest, System.nanoTime() - start);
            }
        } finally {
            template.getProducerFactory().reset();
        }
        // with lingering every send waits at least linger.ms (5 ms by default) for a batch that never fills; without it
        // the fastest of 40 acknowledged sends on loopback takes a millisecond or two, even on a busy machine
        assertThat(TimeUnit.NANOSECONDS.toMicros(fastest)).as("fastest publish, µs").isLessThan(5_000);
    }
}
