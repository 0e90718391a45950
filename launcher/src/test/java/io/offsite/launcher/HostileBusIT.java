package io.offsite.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.offsite.events.Topics;
import io.offsite.events.serde.EventSerializer;
import io.offsite.events.v1.JobCompleted;
import io.offsite.events.v1.JobError;
import io.offsite.events.v1.JobRequested;
import io.offsite.events.v1.JobStarted;
import io.offsite.events.v1.JobStatus;
import io.offsite.events.v1.Trigger;
import io.offsite.localstack.Ports;
import io.offsite.localstack.kafka.EventProbe;
import io.offsite.localstack.s3.S3Endpoint;
import io.offsite.worker.storage.ObjectStore;
import io.offsite.worker.storage.StorageProperties;
import io.offsite.worker.storage.StoredObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole local system on a shared bus that someone is abusing: undecodable bytes, empty and oversized records,
 * forged starts and completions, requests dated years ahead or long ago, requests past the size limits and a
 * verification of a foreign folder, on every topic. Afterwards the scheduler still leads, fires its cron job and
 * answers a manual trigger within seconds, every worker completes a valid request, a rotation deletes no real
 * backup, and each service's {@code offsite_events_rejected_total} shows what it dropped and why.
 */
@Timeout(value = 8, unit = TimeUnit.MINUTES)
class HostileBusIT {

    /** A JobStarted header, then a string length of 2^31: once enough to stop all scheduling. */
    private static final byte[] BOMB = HexFormat.of().parseHex("c3016dfbd6f124d953f88080808010");
    private static final String HEARTBEAT = "hostile-heartbeat";
    private static final List<String> EVERY_TOPIC = List.of(Topics.REQUESTS_BACKUP, Topics.REQUESTS_ROTATION,
            Topics.REQUESTS_REPLICATION, Topics.REQUESTS_VERIFY, Topics.JOB_EVENTS);
    private static final Map<String, String> HEARTBEAT_JOB = Map.of(
            "offsite.scheduler.jobs." + HEARTBEAT + ".type", "ROTATION",
            "offsite.scheduler.jobs." + HEARTBEAT + ".cron", "*/5 * * * * *",
            "offsite.scheduler.jobs." + HEARTBEAT + ".timeout", "1m",
            "offsite.scheduler.jobs." + HEARTBEAT + ".exclusive", "false",
            "offsite.scheduler.jobs." + HEARTBEAT + ".parameters.series", "pokemon-data",
            "offsite.scheduler.jobs." + HEARTBEAT + ".parameters.dryRun", "true");

    @TempDir
    static Path data;

    static LocalOptions options;
    static LocalSystem system;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        // a job firing every five seconds shows at once whether scheduling survived; system properties reach only
        // the scheduler, the one service that reads offsite.scheduler.*
        HEARTBEAT_JOB.forEach(System::setProperty);
        // an open bus (bin/offsite local --open): anyone may publish anything, the worst case for the services
        options = new LocalOptions(data, Ports.freePort(), Ports.freePort(), Ports.freePort(), Ports.freePort(),
                Ports.freePort(), Ports.freePort(), Ports.freePort(), false, true).withOpenKafka();
        system = new LocalSystem(options);
        system.start();
    }

    @AfterAll
    static void stop() {
        HEARTBEAT_JOB.keySet().forEach(System::clearProperty);
        if (system != null) {
            system.close();
        }
    }

    @Test
    void poisonOnEveryTopicStopsNoSchedulingStallsNoPartitionAndCostsNoBackup() throws Exception {
        try (EventProbe probe = new EventProbe(options.bootstrapServers());
                KafkaProducer<String, byte[]> raw = new KafkaProducer<>(Map.of(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, options.bootstrapServers(),
                        ProducerConfig.ACKS_CONFIG, "all",
                        ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 2 * 1024 * 1024), new StringSerializer(), new ByteArraySerializer());
                ObjectStore store = new ObjectStore(StorageProperties.of(URI.create(options.s3Endpoint()),
                        S3Endpoint.DEFAULT_ACCESS_KEY, S3Endpoint.DEFAULT_SECRET_KEY, S3Endpoint.DEFAULT_BUCKET))) {

            // a healthy system first: the heartbeat fires, and one real backup is stored
            awaitHeartbeatAfter(Instant.now(), Duration.ofSeconds(60));
            String first = trigger("backup-database", Map.of());
            assertThat(probe.awaitCompletion(first, Duration.ofMinutes(2)).getStatus()).isEqualTo(JobStatus.SUCCEEDED);
            List<String> realBackups = backups(store);
            assertThat(realBackups).hasSize(1);

            // the poison, on every topic
            Instant poisoned = Instant.now();
            Random random = new Random(14);
            for (String topic : EVERY_TOPIC) {
                send(raw, topic, "backup-database", BOMB);
                send(raw, topic, "backup-database", bytes(random, 64));
                send(raw, topic, "backup-database", new byte[0]);
                send(raw, topic, "backup-database", null);
                send(raw, topic, "backup-database", bytes(random, 900 * 1024));
                send(raw, topic, "made-up-job", encode(JobRequested.newBuilder(request("made-up-job", "made-up-job@1", "BACKUP",
                        poisoned)).setParameters(Map.of()).build()));
            }
            // a forged start with no request would once have blocked the exclusive backup forever
            JobStarted forgedStart = JobStarted.newBuilder().setRunId("backup-database@forged-start")
                    .setJobName("backup-database").setJobType("BACKUP").setStartedAt(poisoned).setWorker("forger").build();
            send(raw, Topics.JOB_EVENTS, "backup-database", encode(forgedStart));
            send(raw, Topics.REQUESTS_BACKUP, "backup-database", encode(forgedStart));
            // a request of a type nobody runs, and a retryable failure of it: once a retry that failed on every tick
            send(raw, Topics.REQUESTS_BACKUP, "backup-database",
                    encode(request("backup-database", "backup-database@nope", "NOPE", poisoned)));
            send(raw, Topics.JOB_EVENTS, "backup-database", encode(JobCompleted.newBuilder().setRunId("backup-database@nope")
                    .setJobName("backup-database").setJobType("NOPE").setStatus(JobStatus.FAILED).setRetryable(true)
                    .setFinishedAt(poisoned).setWorker("forger").setError(new JobError("X", "forged")).build()));
            // seven requests dated in year 9999 and one from 2000: outside the window, they store nothing
            List<String> outOfRange = new ArrayList<>();
            for (int day = 1; day <= 7; day++) {
                String runId = "backup-database@future-" + day;
                outOfRange.add(runId);
                send(raw, Topics.REQUESTS_BACKUP, "backup-database", encode(JobRequested.newBuilder(
                        request("backup-database", runId, "BACKUP", poisoned))
                        .setScheduledFor(Instant.parse("9999-01-0" + day + "T00:00:00Z")).build()));
            }
            outOfRange.add("backup-database@past");
            send(raw, Topics.REQUESTS_BACKUP, "backup-database", encode(JobRequested.newBuilder(
                    request("backup-database", "backup-database@past", "BACKUP", poisoned))
                    .setScheduledFor(Instant.parse("2000-01-01T00:00:00Z")).build()));
            // past every size limit: once echoed into a completion too large to publish, stalling the partition
            send(raw, Topics.REQUESTS_BACKUP, "backup-database", encode(JobRequested.newBuilder(
                    request("backup-database", "backup-database@oversized", "BACKUP", poisoned))
                    .setParameters(Map.of("source", "pokemon-data", "padding", "x".repeat(400_000))).build()));
            // a verification of a folder that is not a configured series
            send(raw, Topics.REQUESTS_VERIFY, "verify-backups", encode(JobRequested.newBuilder(
                    request("verify-backups", "verify-backups@foreign", "VERIFY", poisoned))
                    .setParameters(Map.of("series", "../secret", "sample", "all")).build()));
            // seven backups dated in year 9999 already in the bucket, as a producer with a wrong clock once left them
            List<String> futureDated = new ArrayList<>();
            for (int day = 1; day <= 7; day++) {
                String key = "backup-database/pokemon-data-9999-01-0" + day + "T00-00-00.000Z.sqlite3.db.gz";
                store.putSmall(key, "not a real backup".getBytes(StandardCharsets.UTF_8), "application/gzip", Map.of());
                futureDated.add(key);
            }

            // scheduling goes on: the cron job fires within seconds of the last poisoned record
            Instant poisonedUntil = Instant.now();
            awaitHeartbeatAfter(poisonedUntil, Duration.ofSeconds(10));

            // what the poison asked for was refused with a reason, and nothing of it was stored
            for (String runId : outOfRange) {
                JobCompleted refused = probe.awaitCompletion(runId, Duration.ofSeconds(30));
                assertThat(refused.getStatus()).isEqualTo(JobStatus.REJECTED);
                assertThat(refused.getError().getType()).isEqualTo("SCHEDULED_FOR_OUT_OF_RANGE");
            }
            JobCompleted foreign = probe.awaitCompletion("verify-backups@foreign", Duration.ofSeconds(30));
            assertThat(foreign.getStatus()).isEqualTo(JobStatus.REJECTED);
            assertThat(foreign.getError().getType()).isEqualTo("UNKNOWN_SERIES");
            JobCompleted nope = probe.awaitCompletion(c -> c.getRunId().equals("backup-database@nope")
                    && !c.getWorker().equals("forger"), Duration.ofSeconds(30), "the backup worker's answer to the NOPE request");
            assertThat(nope.getStatus()).isEqualTo(JobStatus.REJECTED);
            assertThat(nope.getError().getType()).isEqualTo("WRONG_JOB_TYPE");

            // a manual trigger is answered and runs: the forged start blocks nothing
            String second = trigger("backup-database", Map.of());
            assertThat(probe.awaitCompletion(second, Duration.ofMinutes(2)).getStatus()).isEqualTo(JobStatus.SUCCEEDED);

            // every worker completes a valid request after the poison on its topic
            JobCompleted rotation = probe.awaitCompletion(c -> c.getJobName().equals("rotate-backups")
                    && ("rotate-backups@after:" + second).equals(c.getRunId()), Duration.ofMinutes(2), "the rotation after " + second);
            assertThat(rotation.getStatus()).as("%s", rotation).isEqualTo(JobStatus.SUCCEEDED);
            JobCompleted verification = probe.awaitCompletion("verify-backups@after:" + second, Duration.ofMinutes(2));
            assertThat(verification.getStatus()).as("%s", verification).isEqualTo(JobStatus.SUCCEEDED);
            String replication = trigger("replicate-to-primary", Map.of());
            assertThat(probe.awaitCompletion(replication, Duration.ofMinutes(3)).getStatus()).isEqualTo(JobStatus.SUCCEEDED);

            // the rotation that followed kept every real backup and the future-dated objects
            List<String> after = backups(store);
            assertThat(after).containsAll(realBackups).hasSize(2);
            assertThat(store.list("backup-database/")).extracting(StoredObject::key).containsAll(futureDated);

            // what the poison asked for was not run or retried
            assertThat(probe.completions("backup-database@oversized")).as("past the limits: dead-lettered, not run").isEmpty();
            assertThat(probe.events()).noneMatch(e -> e instanceof JobRequested r && r.getRunId().equals("backup-database@nope"));
            assertThat(probe.readAll(Topics.REQUESTS_BACKUP, Duration.ofSeconds(20)).stream()
                    .filter(r -> r.value() != null && r.value().length > 10 && r.value()[0] == (byte) 0xC3)
                    .map(r -> decodeOrNull(r)).filter(e -> e instanceof JobRequested r && r.getRunId().equals("backup-database@nope")))
                    .as("the scheduler never retried the foreign request").hasSize(1);

            // the dead-letter topic holds the bomb with its reason
            List<ConsumerRecord<String, byte[]>> dead = probe.readAll(Topics.deadLetterTopic(Topics.REQUESTS_BACKUP),
                    Duration.ofSeconds(20));
            assertThat(dead).anySatisfy(r -> {
                assertThat(r.value()).isEqualTo(BOMB);
                assertThat(new String(r.headers().lastHeader("offsite-rejected-reason").value(), StandardCharsets.UTF_8))
                        .isEqualTo("malformed");
            });

            // and every consumer counted what it dropped, by reason
            String scheduler = metrics(options.schedulerPort());
            assertThat(counter(scheduler, "scheduler", Topics.JOB_EVENTS, "malformed")).isGreaterThanOrEqualTo(1);
            assertThat(counter(scheduler, "scheduler", Topics.REQUESTS_VERIFY, "not-single-object")).isGreaterThanOrEqualTo(2);
            assertThat(counter(scheduler, "scheduler", Topics.REQUESTS_BACKUP, "unknown-job")).isGreaterThanOrEqualTo(1);
            assertThat(counter(scheduler, "scheduler", Topics.REQUESTS_BACKUP, "wrong-topic")).isGreaterThanOrEqualTo(2);
            assertThat(counter(scheduler, "scheduler", Topics.REQUESTS_BACKUP, "parameter-too-long")).isGreaterThanOrEqualTo(1);
            assertThat(counter(scheduler, "scheduler", Topics.JOB_EVENTS, "job-type-mismatch")).isGreaterThanOrEqualTo(1);
            String backup = metrics(options.backupPort());
            assertThat(counter(backup, "offsite-backup-workers", Topics.REQUESTS_BACKUP, "malformed")).isGreaterThanOrEqualTo(1);
            assertThat(counter(backup, "offsite-backup-workers", Topics.REQUESTS_BACKUP, "not-a-request")).isGreaterThanOrEqualTo(1);
            assertThat(counter(backup, "offsite-backup-workers", Topics.REQUESTS_BACKUP, "parameter-too-long")).isGreaterThanOrEqualTo(1);
            assertThat(counter(backup, "offsite-verify-workers", Topics.REQUESTS_VERIFY, "malformed")).isGreaterThanOrEqualTo(1);
            assertThat(counter(metrics(options.rotationPort()), "offsite-rotation-workers", Topics.REQUESTS_ROTATION, "malformed"))
                    .isGreaterThanOrEqualTo(1);
            assertThat(counter(metrics(options.replicationPort()), "offsite-replication-workers", Topics.REQUESTS_REPLICATION,
                    "malformed")).isGreaterThanOrEqualTo(1);
            HttpResponse<String> health = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                    + options.schedulerPort() + "/actuator/health/scheduler")).header("Authorization", bearer()).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(health.statusCode()).as(health.body()).isEqualTo(200);
            assertThat(health.body()).contains("\"leader\":true");
        }
    }

    private void awaitHeartbeatAfter(Instant after, Duration within) {
        try (EventProbe reader = new EventProbe(options.bootstrapServers())) {
            await().atMost(within).pollInterval(Duration.ofMillis(250)).until(() -> reader.readAll(Topics.REQUESTS_ROTATION,
                    Duration.ofSeconds(5)).stream().map(HostileBusIT::decodeOrNull)
                    .anyMatch(e -> e instanceof JobRequested r && r.getJobName().equals(HEARTBEAT)
                            && r.getRequestedAt().isAfter(after)));
        }
    }

    private String trigger(String job, Map<String, String> parameters) throws Exception {
        StringBuilder body = new StringBuilder("{\"parameters\":{");
        parameters.forEach((k, v) -> body.append(body.charAt(body.length() - 1) == '{' ? "" : ",")
                .append('"').append(k).append("\":\"").append(v).append('"'));
        body.append("}}");
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + options.schedulerPort()
                        + "/api/v1/jobs/" + job + "/runs")).header("Content-Type", "application/json").header("Authorization", bearer())
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())).timeout(Duration.ofSeconds(10))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as("trigger %s: %s", job, response.body()).isEqualTo(202);
        Matcher runId = Pattern.compile("\"runId\"\\s*:\\s*\"([^\"]+)\"").matcher(response.body());
        assertThat(runId.find()).isTrue();
        return runId.group(1);
    }

    /** The credential {@code offsite local} created in its data folder. */
    private static String bearer() {
        return "Bearer " + ApiToken.forCommand(data.resolve(ApiToken.FILE_NAME));
    }

    private String metrics(int port) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/prometheus")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    /** The value of {@code offsite_events_rejected_total} for one consumer, topic and reason (0 when absent). */
    private static double counter(String metrics, String consumer, String topic, String reason) {
        return metrics.lines()
                .filter(l -> l.startsWith("offsite_events_rejected_total{") && l.contains("consumer=\"" + consumer + "\"")
                        && l.contains("topic=\"" + topic + "\"") && l.contains("reason=\"" + reason + "\""))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                .sum();
    }

    private static List<String> backups(ObjectStore store) {
        return store.list("backup-database/").stream().map(StoredObject::key)
                .filter(k -> k.endsWith(".sqlite3.db.gz") && !k.contains("9999-")).toList();
    }

    private static JobRequested request(String job, String runId, String type, Instant at) {
        Instant now = at.truncatedTo(ChronoUnit.MILLIS);
        return JobRequested.newBuilder().setRunId(runId).setJobName(job).setJobType(type).setTrigger(Trigger.EXTERNAL)
                .setScheduledFor(now).setRequestedAt(now).setDeadline(now.plus(Duration.ofMinutes(5)))
                .setRequestedBy("hostile-test").setParameters(Map.of("source", "pokemon-data")).build();
    }

    private static byte[] encode(SpecificRecord event) {
        return new EventSerializer().serialize(null, event);
    }

    private static Object decodeOrNull(ConsumerRecord<String, byte[]> record) {
        try {
            return new io.offsite.events.serde.EventDeserializer().deserialize(record.topic(), record.value());
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static byte[] bytes(Random random, int size) {
        byte[] bytes = new byte[size];
        random.nextBytes(bytes);
        bytes[0] = 0x7b; // '{', never the single-object marker
        return bytes;
    }

    private static void send(KafkaProducer<String, byte[]> producer, String topic, String key, byte[] value) throws Exception {
        producer.send(new ProducerRecord<>(topic, key, value)).get(30, TimeUnit.SECONDS);
    }
}
