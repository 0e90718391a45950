package io.offsite.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.MeterRegistry;
import io.offsite.events.Topics;
import io.offsite.events.serde.EventSerializer;
import io.offsite.events.v1.JobCompleted;
import io.offsite.events.v1.JobRequested;
import io.offsite.events.v1.JobStarted;
import io.offsite.events.v1.JobStatus;
import io.offsite.events.v1.Trigger;
import io.offsite.localstack.LocalStack;
import io.offsite.localstack.kafka.EventProbe;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Hostile and mistaken records on a request topic, all on the partition of one job (same key): each is
 * dead-lettered, skipped or rejected with its reason and counted, and a valid request behind them still runs.
 */
@SpringBootTest(classes = RuntimeTestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.NONE,
        properties = {"offsite.worker.cleanup-grace=5s", "spring.application.name=hostile-worker",
                // a new group reads only what this test sends, not the records earlier tests left on the topic
                "spring.kafka.consumer.auto-offset-reset=latest"})
@DirtiesContext
class HostileRequestsIT {

    static final String GROUP = "hostile-it-" + UUID.randomUUID();
    static final String KEY = "verify-ok";
    /** A JobStarted header, then a string length of 2^31. */
    static final byte[] BOMB = HexFormat.of().parseHex("c3016dfbd6f124d953f88080808010");

    static EventProbe probe;
    static KafkaProducer<String, byte[]> producer;

    @Autowired
    MeterRegistry meters;

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        registry.add("spring.kafka.bootstrap-servers", () -> LocalStack.kafka().bootstrapServers());
        registry.add("offsite.worker.group-id", () -> GROUP);
    }

    @BeforeAll
    static void start() {
        probe = new EventProbe(LocalStack.kafka().bootstrapServers());
        // a producer that may send what the worker's own producer may not: records up to 2 MiB
        producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, LocalStack.kafka().bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 2 * 1024 * 1024), new StringSerializer(), new ByteArraySerializer());
    }

    @AfterAll
    static void stop() {
        producer.close(Duration.ofSeconds(2));
        probe.close();
    }

    static void send(byte[] value) {
        try {
            producer.send(new ProducerRecord<>(Topics.REQUESTS_VERIFY, KEY, value)).get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("cannot publish: " + e, e);
        }
    }

    static byte[] encode(org.apache.avro.specific.SpecificRecord event) {
        return new EventSerializer().serialize(Topics.REQUESTS_VERIFY, event);
    }

    static JobRequested.Builder request(String runId) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        return JobRequested.newBuilder().setRunId(runId).setJobName(KEY).setJobType("VERIFY")
                .setTrigger(Trigger.EXTERNAL).setScheduledFor(now).setRequestedAt(now).setDeadline(now.plus(Duration.ofMinutes(1)))
                .setParameters(Map.of("mode", "ok"));
    }

    static byte[] random(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        bytes[0] = 0x42; // not the single-object marker
        return bytes;
    }

    final Map<String, Double> before = new HashMap<>();

    /** Sends valid requests until one completes: the consumer then reads from a position before anything sent later. */
    void awaitConsumerPositioned() {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (true) {
            JobRequested sentinel = request("sentinel-" + UUID.randomUUID()).build();
            send(encode(sentinel));
            try {
                probe.awaitCompletion(sentinel.getRunId(), Duration.ofSeconds(10));
                return;
            } catch (AssertionError e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
            }
        }
    }

    /** How many more records were refused for {@code reason} than before the test sent its records. */
    double rejected(String reason) {
        return count(reason) - before.getOrDefault(reason, 0.0);
    }

    double count(String reason) {
        var counter = meters.find(io.offsite.events.RejectedEvents.METRIC).tag("consumer", GROUP).tag("topic", Topics.REQUESTS_VERIFY)
                .tag("reason", reason).counter();
        return counter == null ? 0 : counter.count();
    }

    @Test
    void everyBadRecordIsRefusedWithItsReasonAndAValidRequestBehindThemRuns() {
        awaitConsumerPositioned();
        for (String reason : List.of("malformed", "undecodable", "not-single-object", "empty", "not-a-request", "parameter-too-long",
                "too-many-parameters", "field-too-long", "invalid-identifier", "scheduled-for-out-of-range")) {
            before.put(reason, count(reason));
        }
        String marker = UUID.randomUUID().toString();
        Instant now = Instant.now();
        send(BOMB);
        send(random(200, 1));
        send(new byte[0]);
        send(null);
        send(encode(JobStarted.newBuilder().setRunId("forged-" + marker).setJobName(KEY).setStartedAt(now).setWorker("nobody").build()));
        send(random(900 * 1024, 2));
        // too large to dead-letter: the copy with Spring's headers exceeds the worker's 1 MiB max.request.size
        send(random(1_048_000, 3));
        send(encode(request("big-" + marker).setParameters(Map.of("mode", "ok", "blob", "x".repeat(900 * 1024))).build()));
        Map<String, String> many = new HashMap<>();
        for (int i = 0; i < 65; i++) {
            many.put("p" + i, "v");
        }
        many.put("mode", "ok");
        send(encode(request("many-" + marker).setParameters(many).build()));
        send(encode(request("long-" + marker + "x".repeat(300)).build()));
        send(encode(request("ctl-" + marker).setJobName("verify\n-ok").build()));
        send(encode(request("").build()));
        JobRequested future = request("future-" + marker).setScheduledFor(now.plus(Duration.ofHours(1))).build();
        send(encode(future));
        JobRequested old = request("old-" + marker).setScheduledFor(now.minus(Duration.ofDays(8))).build();
        send(encode(old));
        JobRequested year3000 = request("year3000-" + marker).setDeadline(Instant.parse("3000-01-01T00:00:00Z")).build();
        send(encode(year3000));

        long sent = System.nanoTime();
        JobRequested valid = request("valid-" + marker).build();
        send(encode(valid));
        JobCompleted done = probe.awaitCompletion(valid.getRunId(), Duration.ofSeconds(60));
        assertThat(done.getStatus()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(Duration.ofNanos(System.nanoTime() - sent)).as("the valid request ran promptly").isLessThan(Duration.ofSeconds(20));

        for (JobRequested outOfRange : List.of(future, old)) {
            JobCompleted refused = probe.awaitCompletion(outOfRange.getRunId(), Duration.ofSeconds(10));
            assertThat(refused.getStatus()).isEqualTo(JobStatus.REJECTED);
            assertThat(refused.getRetryable()).isFalse();
            assertThat(refused.getError().getType()).isEqualTo("SCHEDULED_FOR_OUT_OF_RANGE");
            assertThat(refused.getError().getMessage()).contains(outOfRange.getScheduledFor().toString()).contains("must lie in [");
            assertThat(probe.starts(outOfRange.getRunId())).isEmpty();
        }
        assertThat(probe.awaitCompletion(year3000.getRunId(), Duration.ofSeconds(10)).getStatus()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(probe.starts(year3000.getRunId())).singleElement().satisfies(started ->
                assertThat(started.getDeadline()).isBefore(Instant.now().plus(Duration.ofMinutes(40))));
        for (String refused : List.of("big-", "many-", "long-", "ctl-", "forged-")) {
            assertThat(probe.events()).noneSatisfy(e -> assertThat(e.toString()).contains(refused + marker));
        }

        assertThat(rejected("malformed") + rejected("undecodable")).as("the 15-byte bomb").isEqualTo(1);
        assertThat(rejected("not-single-object")).as("random bytes").isEqualTo(3);
        assertThat(rejected("empty")).as("an empty value and a tombstone").isEqualTo(2);
        assertThat(rejected("not-a-request")).isEqualTo(1);
        assertThat(rejected("parameter-too-long")).isEqualTo(1);
        assertThat(rejected("too-many-parameters")).isEqualTo(1);
        assertThat(rejected("field-too-long")).isEqualTo(1);
        assertThat(rejected("invalid-identifier")).isEqualTo(2);
        assertThat(rejected("scheduled-for-out-of-range")).isEqualTo(2);

        String dlt = Topics.deadLetterTopic(Topics.REQUESTS_VERIFY);
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            List<ConsumerRecord<String, byte[]>> ours = probe.readAll(dlt, Duration.ofSeconds(20)).stream()
                    .filter(r -> JobRuntimeIT.header(r, "kafka_dlt-original-consumer-group").equals(GROUP)).toList();
            assertThat(ours).extracting(r -> JobRuntimeIT.header(r, "offsite-rejected-reason"))
                    .containsExactlyInAnyOrder(
                            rejected("malformed") > 0 ? "malformed" : "undecodable",
                            "not-single-object", "not-single-object", "empty", "empty", "not-a-request",
                            "parameter-too-long", "too-many-parameters", "field-too-long", "invalid-identifier", "invalid-identifier");
            assertThat(ours).allSatisfy(r -> assertThat(r.key()).isEqualTo(KEY));
        });
    }
}
