package io.offsite.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.offsite.events.Topics;
import io.offsite.events.serde.EventSerializer;
import io.offsite.events.v1.JobCompleted;
import io.offsite.events.v1.JobRequested;
import io.offsite.events.v1.JobStatus;
import io.offsite.events.v1.Trigger;
import io.offsite.localstack.LocalStack;
import io.offsite.localstack.kafka.EventProbe;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import io.micrometer.core.instrument.MeterRegistry;

/** The job runtime over a real broker: completions, deadlines, rejections and dead letters. */
@SpringBootTest(classes = RuntimeTestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.NONE,
        properties = {"offsite.worker.cleanup-grace=5s", "spring.application.name=test-worker"})
@DirtiesContext
class JobRuntimeIT {

    static final Duration WAIT = Duration.ofSeconds(60);
    static EventProbe probe;

    @Autowired
    MeterRegistry meters;

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        registry.add("spring.kafka.bootstrap-servers", () -> LocalStack.kafka().bootstrapServers());
        registry.add("offsite.worker.group-id", () -> "runtime-it-" + UUID.randomUUID());
    }

    @BeforeAll
    static void start() {
        probe = new EventProbe(LocalStack.kafka().bootstrapServers());
    }

    @AfterAll
    static void stop() {
        probe.close();
    }

    static JobRequested request(String mode, Duration timeout) {
        Instant now = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        String runId = "verify-" + mode + "@" + UUID.randomUUID();
        return JobRequested.newBuilder().setRunId(runId).setJobName("verify-" + mode).setJobType("VERIFY")
                .setTrigger(Trigger.MANUAL).setScheduledFor(now).setRequestedAt(now).setDeadline(now.plus(timeout))
                .setParameters(Map.of("mode", mode)).build();
    }

    JobCompleted run(JobRequested request) {
        probe.send(Topics.REQUESTS_VERIFY, request.getJobName(), request);
        return probe.awaitCompletion(request.getRunId(), WAIT);
    }

    @Test
    void successPublishesStartedThenCompletedWithStats() {
        JobRequested request = request("ok", Duration.ofMinutes(1));
        JobCompleted done = run(request);
        assertThat(done.getStatus()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(done.getStats()).containsEntry("answer", 42L);
        assertThat(done.getMessage()).isEqualTo("done");
        assertThat(done.getWorker()).startsWith("test-worker@");
        assertThat(done.getScheduledFor()).isEqualTo(request.getScheduledFor());
        assertThat(probe.starts(request.getRunId())).singleElement()
                .satisfies(s -> assertThat(s.getDeadline()).isEqualTo(request.getDeadline()));
        assertThat(meters.find("offsite_jobs_completed").tag("job", "verify-ok").tag("status", "SUCCEEDED").counter())
                .isNotNull().satisfies(c -> assertThat(c.count()).isGreaterThanOrEqualTo(1));
    }

    @Test
    void outcomesMapToStatuses() {
        assertThat(run(request("partial", Duration.ofMinutes(1))).getStatus()).isEqualTo(JobStatus.PARTIALLY_FAILED);
        JobCompleted failed = run(request("fail", Duration.ofMinutes(1)));
        assertThat(failed.getStatus()).isEqualTo(JobStatus.FAILED);
        assertThat(failed.getRetryable()).isFalse();
        assertThat(failed.getError().getType()).isEqualTo("BAD_PASSWORD");
        JobCompleted boom = run(request("boom", Duration.ofMinutes(1)));
        assertThat(boom.getStatus()).isEqualTo(JobStatus.FAILED);
        assertThat(boom.getRetryable()).isTrue();
        assertThat(boom.getError().getMessage()).contains("IllegalStateException").contains("unexpected");
        JobCompleted rejected = run(request("nonsense", Duration.ofMinutes(1)));
        assertThat(rejected.getStatus()).isEqualTo(JobStatus.REJECTED);
        assertThat(rejected.getError().getType()).isEqualTo("INVALID_PARAMETER");
    }

    @Test
    void requestOfAnotherTypeIsRejected() {
        JobRequested request = request("ok", Duration.ofMinutes(1));
        request.setJobType("ROTATION");
        JobCompleted done = run(request);
        assertThat(done.getStatus()).isEqualTo(JobStatus.REJECTED);
        assertThat(done.getError().getType()).isEqualTo("WRONG_JOB_TYPE");
    }

    @Test
    void runPastItsDeadlineIsStoppedCleanedUpAndTimedOut() {
        RuntimeTestApplication.cleanedUp.set(false);
        JobRequested request = request("sleep", Duration.ofSeconds(2));
        long started = System.nanoTime();
        JobCompleted done = run(request);
        assertThat(done.getStatus()).isEqualTo(JobStatus.TIMED_OUT);
        assertThat(done.getRetryable()).isTrue();
        assertThat(done.getError().getType()).isEqualTo("DEADLINE_EXCEEDED");
        assertThat(RuntimeTestApplication.cleanedUp).as("the job's finally block ran before TIMED_OUT was published").isTrue();
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(30));
    }

    @Test
    void requestWhoseDeadlineAlreadyPassedIsTimedOutWithoutRunning() {
        JobRequested request = request("ok", Duration.ofMinutes(1));
        request.setDeadline(Instant.now().minusSeconds(5));
        JobCompleted done = run(request);
        assertThat(done.getStatus()).isEqualTo(JobStatus.TIMED_OUT);
        assertThat(done.getStartedAt()).isNull();
        assertThat(done.getRetryable()).isFalse();
        assertThat(probe.starts(request.getRunId())).isEmpty();
    }

    @Test
    void poisonRecordsGoToTheDeadLetterTopicAndConsumptionContinues() {
        String marker = "poison-" + UUID.randomUUID();
        probe.sendRaw(Topics.REQUESTS_VERIFY, "verify-ok", ("{\"garbage\":\"" + marker + "\"}").getBytes(StandardCharsets.UTF_8));
        // a decodable record of the wrong type is dead-lettered too
        JobCompleted wrongType = JobCompleted.newBuilder().setRunId(marker).setJobName("verify-ok").setJobType("VERIFY")
                .setStatus(JobStatus.SUCCEEDED).setFinishedAt(Instant.now()).setWorker("someone").build();
        probe.sendRaw(Topics.REQUESTS_VERIFY, "verify-ok", new EventSerializer().serialize(Topics.REQUESTS_VERIFY, wrongType));
        // single-object marker, a fingerprint no Offsite schema has (little-endian 0123456789abcdef), the marker text
        byte[] unknownSchema = ByteBuffer.allocate(10 + marker.length()).order(ByteOrder.LITTLE_ENDIAN)
                .put((byte) 0xC3).put((byte) 0x01).putLong(0x0123456789abcdefL)
                .put(marker.getBytes(StandardCharsets.UTF_8)).array();
        probe.sendRaw(Topics.REQUESTS_VERIFY, "verify-ok", unknownSchema);

        JobCompleted next = run(request("ok", Duration.ofMinutes(1)));
        assertThat(next.getStatus()).isEqualTo(JobStatus.SUCCEEDED);

        String dlt = Topics.deadLetterTopic(Topics.REQUESTS_VERIFY);
        await().atMost(WAIT).untilAsserted(() -> {
            var records = probe.readAll(dlt, Duration.ofSeconds(10));
            assertThat(records).anySatisfy(r -> {
                assertThat(new String(r.value(), StandardCharsets.UTF_8)).contains(marker);
                assertThat(header(r, "kafka_dlt-exception-stacktrace")).contains("NotSingleObjectEncodedException")
                        .contains("expected marker C3 01");
                assertThat(header(r, "offsite-rejected-reason")).isEqualTo("not-single-object");
                // the specific reason, not the deserializer wrapper's "failed to deserialize"
                assertThat(header(r, "kafka_dlt-exception-message"))
                        .startsWith("not-single-object: not an Avro single-object encoded event: expected marker C3 01, found 7B 22");
                assertThat(header(r, "offsite-rejected-detail")).contains("expected marker C3 01, found 7B 22");
            });
            assertThat(records).anySatisfy(r -> {
                assertThat(new String(r.value(), StandardCharsets.UTF_8)).contains(marker);
                assertThat(header(r, "offsite-rejected-reason")).isEqualTo("unknown-schema");
                assertThat(header(r, "kafka_dlt-exception-message")).startsWith("unknown-schema: ")
                        .contains("fingerprint 0123456789abcdef");
                assertThat(header(r, "offsite-rejected-detail")).contains("fingerprint 0123456789abcdef");
            });
            assertThat(records).anySatisfy(r -> {
                assertThat(header(r, "kafka_dlt-exception-message")).startsWith("not-a-request: ").contains("not a JobRequested");
                assertThat(header(r, "offsite-rejected-reason")).isEqualTo("not-a-request");
            });
        });
        assertThat(probe.completions(marker)).isEmpty();
    }

    static String header(ConsumerRecord<String, byte[]> record, String name) {
        var header = record.headers().lastHeader(name);
        return header == null ? "" : new String(header.value(), StandardCharsets.UTF_8);
    }
}
