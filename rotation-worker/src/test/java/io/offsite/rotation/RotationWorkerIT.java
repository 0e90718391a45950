package io.offsite.rotation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.MeterRegistry;
import io.offsite.events.Topics;
import io.offsite.events.serde.EventSerializer;
import io.offsite.events.v1.JobCompleted;
import io.offsite.events.v1.JobRequested;
import io.offsite.events.v1.JobStatus;
import io.offsite.events.v1.Trigger;
import io.offsite.localstack.LocalStack;
import io.offsite.localstack.kafka.EventProbe;
import io.offsite.localstack.s3.S3Endpoint;
import io.offsite.rotation.support.WorkerInfrastructure;
import io.offsite.worker.retention.Backup;
import io.offsite.worker.retention.RetentionPlan;
import io.offsite.worker.retention.RetentionPolicy;
import io.offsite.worker.storage.ObjectStore;
import io.offsite.worker.storage.StorageProperties;
import io.offsite.worker.storage.StoredObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The rotation worker against a real Kafka broker and a real S3 API (S3Proxy): requests are published on the
 * rotation topic by a plain producer, and the tests wait for the completion event and look at the bucket.
 */
@SpringBootTest(classes = RotationWorkerApplication.class, webEnvironment = SpringBootTest.WebEnvironment.NONE,
        properties = "spring.config.name=rotation-worker")
@DirtiesContext
class RotationWorkerIT {

    static final Duration WAIT = Duration.ofSeconds(90);
    static final String YEAR = "backup-database/";
    static final String DRY = "dry-series/";
    static final String LOCKED = "locked-series/";
    static final String VERIFIED = "verified-series/";
    static final String FUTURE = "future-series/";

    static EventProbe probe;
    static ObjectStore store;
    static KafkaProducer<String, SpecificRecord> producer;

    @Autowired
    MeterRegistry meters;

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        WorkerInfrastructure.register(registry, "rotation-worker-tests");
        registry.add("offsite.rotation.series[0].name", () -> "pokemon-data");
        registry.add("offsite.rotation.series[0].prefix", () -> YEAR);
        registry.add("offsite.rotation.series[0].keep-daily", () -> "7");
        registry.add("offsite.rotation.series[0].keep-weekly", () -> "4");
        registry.add("offsite.rotation.series[0].keep-monthly", () -> "3");
        registry.add("offsite.rotation.series[0].minimum", () -> "5");
        registry.add("offsite.rotation.series[1].name", () -> "dry");
        registry.add("offsite.rotation.series[1].prefix", () -> DRY);
        registry.add("offsite.rotation.series[1].semantics", () -> "restic");
        registry.add("offsite.rotation.series[1].keep-weekly", () -> "2");
        registry.add("offsite.rotation.series[2].name", () -> "locked");
        registry.add("offsite.rotation.series[2].prefix", () -> LOCKED);
        registry.add("offsite.rotation.series[2].keep-last", () -> "2");
        registry.add("offsite.rotation.series[3].name", () -> "verified");
        registry.add("offsite.rotation.series[3].prefix", () -> VERIFIED);
        registry.add("offsite.rotation.series[3].keep-last", () -> "2");
        registry.add("offsite.rotation.series[4].name", () -> "future");
        registry.add("offsite.rotation.series[4].prefix", () -> FUTURE);
        registry.add("offsite.rotation.series[4].keep-daily", () -> "7");
        registry.add("offsite.rotation.series[4].keep-weekly", () -> "4");
        registry.add("offsite.rotation.series[4].keep-monthly", () -> "3");
        registry.add("offsite.rotation.series[4].minimum", () -> "5");
    }

    @BeforeAll
    static void start() {
        probe = new EventProbe(LocalStack.kafka().bootstrapServers());
        S3Endpoint s3 = LocalStack.s3();
        store = new ObjectStore(StorageProperties.of(s3.endpoint(), s3.accessKey(), s3.secretKey(), s3.bucket()));
        producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, LocalStack.kafka().bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new EventSerializer());
    }

    @AfterAll
    static void stop() {
        producer.close(Duration.ofSeconds(5));
        probe.close();
        store.close();
    }

    /** Publishes a request as the scheduler would and waits for its completion. */
    static JobCompleted rotate(Map<String, String> parameters) throws Exception {
        Instant now = Instant.now();
        JobRequested request = JobRequested.newBuilder()
                .setRunId("rotate-backups@" + UUID.randomUUID())
                .setJobName("rotate-backups")
                .setJobType("ROTATION")
                .setTrigger(Trigger.MANUAL)
                .setScheduledFor(now)
                .setRequestedAt(now)
                .setDeadline(now.plusSeconds(120))
                .setRequestedBy("test")
                .setParameters(parameters)
                .build();
        producer.send(new ProducerRecord<>(Topics.REQUESTS_ROTATION, request.getJobName(), request)).get(30, TimeUnit.SECONDS);
        return await().atMost(WAIT).pollInterval(Duration.ofMillis(100))
                .until(() -> probe.completions(request.getRunId()).stream().findFirst(), Optional::isPresent).orElseThrow();
    }

    /** One backup (and its sidecar) a day at midnight UTC; returns the backups' keys with their sizes. */
    static Map<String, Long> uploadDaily(String prefix, String from, String to) {
        Map<String, Long> sizes = new TreeMap<>();
        int i = 0;
        for (LocalDate d = LocalDate.parse(from); !d.isAfter(LocalDate.parse(to)); d = d.plusDays(1), i++) {
            String key = prefix + "pokemon-data-" + d + "T00-00-00.000Z.sqlite3.db.gz";
            byte[] body = new byte[100 + i % 50];
            store.putSmall(key, body, "application/gzip", Map.of());
            store.putSmall(key + ".sha256", ("0".repeat(64) + "  x\n").getBytes(StandardCharsets.UTF_8), "text/plain", Map.of());
            sizes.put(key, (long) body.length);
        }
        return sizes;
    }

    static Map<String, Long> listing(String prefix) {
        return store.list(prefix).stream().collect(Collectors.toMap(StoredObject::key, StoredObject::size, (a, b) -> a, TreeMap::new));
    }

    static RetentionPlan plan(RetentionPolicy policy, Set<String> keys) {
        List<Backup> backups = keys.stream().map(k -> new Backup(k,
                io.offsite.worker.artifact.BackupNames.timestamp(k).orElseThrow())).toList();
        return policy.apply(backups);
    }

    @Test
    void aYearOfDailyBackupsIsRotatedToExactlyThePlannedKeys() throws Exception {
        Map<String, Long> backups = uploadDaily(YEAR, "2024-01-16", "2025-01-15");
        store.putSmall(YEAR + "README.txt", "not a backup".getBytes(StandardCharsets.UTF_8), "text/plain", Map.of());
        store.putSmall(YEAR + "other/pokemon-data-2024-01-01T00-00-00.000Z.sqlite3.db.gz", new byte[10], "application/gzip", Map.of());
        RetentionPlan plan = plan(RetentionPolicy.originalDefault(), backups.keySet());

        JobCompleted done = rotate(Map.of("series", "pokemon-data"));

        assertThat(done.getStatus()).as("%s", done).isEqualTo(JobStatus.SUCCEEDED);
        List<String> kept = plan.kept().stream().map(Backup::id).sorted().toList();
        assertThat(kept).hasSize(13).contains(
                YEAR + "pokemon-data-2025-01-15T00-00-00.000Z.sqlite3.db.gz", YEAR + "pokemon-data-2024-12-22T00-00-00.000Z.sqlite3.db.gz",
                YEAR + "pokemon-data-2024-11-01T00-00-00.000Z.sqlite3.db.gz");
        List<String> expected = new ArrayList<>();
        kept.forEach(k -> {
            expected.add(k);
            expected.add(k + ".sha256");
        });
        expected.add(YEAR + "README.txt");
        expected.add(YEAR + "other/pokemon-data-2024-01-01T00-00-00.000Z.sqlite3.db.gz");
        assertThat(listing(YEAR).keySet()).containsExactlyInAnyOrderElementsOf(expected);

        long freed = plan.deleted().stream().mapToLong(b -> backups.get(b.id()) + 68).sum();
        assertThat(done.getStats()).containsEntry("total_backups", 366L).containsEntry("backups_retained", 13L)
                .containsEntry("backups_deleted", 353L).containsEntry("space_freed_bytes", freed)
                .containsEntry("sidecars_deleted", 353L).containsEntry("ignored_objects", 2L).containsEntry("kept_daily", 7L)
                .containsEntry("kept_weekly", 4L).containsEntry("kept_monthly", 3L).containsEntry("dry_run", 0L);
        List<String> deletedKeys = new ArrayList<>();
        plan.deleted().forEach(b -> {
            deletedKeys.add(b.id());
            deletedKeys.add(b.id() + ".sha256");
        });
        assertThat(done.getDeletedKeys()).as("every key the run deleted, for readers that keep a view of the bucket")
                .containsExactlyInAnyOrderElementsOf(deletedKeys);
        assertThat(done.getStats()).doesNotContainKey(io.offsite.events.DeletedKeys.TRUNCATED_STAT);
        assertThat(meters.get("total_backups").tag("series", "pokemon-data").gauge().value()).isEqualTo(366.0);
        assertThat(meters.get("backups_retained").tag("series", "pokemon-data").gauge().value()).isEqualTo(13.0);
        assertThat(meters.get("space_freed_bytes").tag("series", "pokemon-data").gauge().value()).isEqualTo((double) freed);
        assertThat(meters.get("backups_deleted").tag("series", "pokemon-data").counter().count()).isEqualTo(353.0);

        // a redelivered request finds nothing more to delete
        JobCompleted again = rotate(Map.of("series", "pokemon-data"));
        assertThat(again.getStatus()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(again.getStats()).containsEntry("backups_deleted", 0L).containsEntry("backups_retained", 13L);
        assertThat(again.getDeletedKeys()).isEmpty();
        assertThat(listing(YEAR).keySet()).containsExactlyInAnyOrderElementsOf(expected);
    }

    @Test
    void aDryRunPublishesThePlanAndLeavesTheBucketUntouched() throws Exception {
        uploadDaily(DRY, "2024-05-01", "2024-05-30");
        store.putSmall(DRY + "pokemon-data-2024-04-01T00-00-00.000Z.sqlite3.db.gz.sha256", new byte[3], "text/plain", Map.of());
        Map<String, Long> before = listing(DRY);

        JobCompleted done = rotate(Map.of("series", "dry", "dryRun", "true"));

        assertThat(done.getStatus()).as("%s", done).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(listing(DRY)).isEqualTo(before);
        // restic --keep-weekly 2: the last backups of the two most recent ISO weeks (Thu 30 May, Sun 26 May)
        assertThat(done.getMessage()).contains("nothing deleted", "keep 2 [pokemon-data-2024-05-30T00-00-00.000Z.sqlite3.db.gz (weekly), "
                + "pokemon-data-2024-05-26T00-00-00.000Z.sqlite3.db.gz (weekly)]", "delete 28 [pokemon-data-2024-05-29T00");
        assertThat(done.getStats()).containsEntry("dry_run", 1L).containsEntry("backups_to_delete", 28L)
                .containsEntry("backups_deleted", 0L).containsEntry("orphan_sidecars", 1L);
    }

    @Test
    void theNewestVerifiedBackupSurvivesAPolicyThatWouldDeleteIt() throws Exception {
        uploadDaily(VERIFIED, "2024-08-01", "2024-08-10");
        String ok = VERIFIED + "pokemon-data-2024-08-04T00-00-00.000Z.sqlite3.db.gz";
        String older = VERIFIED + "pokemon-data-2024-08-02T00-00-00.000Z.sqlite3.db.gz";
        String corrupt = VERIFIED + "pokemon-data-2024-08-07T00-00-00.000Z.sqlite3.db.gz";
        store.putSmall(older + ".verified", "{\"outcome\":\"OK\"}".getBytes(StandardCharsets.UTF_8), "application/json", Map.of());
        store.putSmall(ok + ".verified", "{\"outcome\":\"OK\",\"verifiedAt\":\"2024-08-04T01:00:00Z\"}".getBytes(StandardCharsets.UTF_8),
                "application/json", Map.of());
        store.putSmall(corrupt + ".verified", "{\"outcome\":\"FAILED\",\"reason\":\"sha256 mismatch\"}".getBytes(StandardCharsets.UTF_8),
                "application/json", Map.of());

        JobCompleted done = rotate(Map.of("series", "verified"));

        assertThat(done.getStatus()).as("%s", done).isEqualTo(JobStatus.SUCCEEDED);
        Set<String> left = listing(VERIFIED).keySet();
        assertThat(left).containsExactlyInAnyOrder(
                VERIFIED + "pokemon-data-2024-08-10T00-00-00.000Z.sqlite3.db.gz", VERIFIED + "pokemon-data-2024-08-10T00-00-00.000Z.sqlite3.db.gz.sha256",
                VERIFIED + "pokemon-data-2024-08-09T00-00-00.000Z.sqlite3.db.gz", VERIFIED + "pokemon-data-2024-08-09T00-00-00.000Z.sqlite3.db.gz.sha256",
                ok, ok + ".sha256", ok + ".verified");
        assertThat(done.getStats()).containsEntry("kept_newest-verified", 1L);
    }

    /**
     * Seven requests dated in year 9999 stored seven backups beside six real daily ones: under the original policy
     * they would fill every daily slot and push real backups out. They are kept, flagged and counted instead, and
     * nothing real is deleted; the backup worker's run claims outside the series stay untouched.
     */
    @Test
    void backupsDatedInYear9999AreKeptFlaggedAndDeleteNothingReal() throws Exception {
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        Map<String, Long> real = uploadDaily(FUTURE, today.minusDays(6).toString(), today.minusDays(1).toString());
        Map<String, Long> forged = uploadDaily(FUTURE, "9999-01-01", "9999-01-07");
        String claim = "_runs/" + "ab".repeat(32);
        store.putSmall(claim, "{}".getBytes(StandardCharsets.UTF_8), "application/json", Map.of());
        Map<String, Long> before = listing(FUTURE);

        JobCompleted done = rotate(Map.of("series", "future"));

        assertThat(done.getStatus()).as("%s", done).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(listing(FUTURE)).isEqualTo(before);
        assertThat(listing(FUTURE).keySet()).containsAll(real.keySet()).containsAll(forged.keySet());
        assertThat(store.head(claim)).isPresent();
        assertThat(done.getStats()).containsEntry("total_backups", 13L).containsEntry("future_dated", 7L)
                .containsEntry("kept_future-dated", 7L).containsEntry("backups_deleted", 0L).containsEntry("backups_retained", 13L)
                .containsEntry("kept_daily", 6L);
        assertThat(meters.get("rotation_future_dated_backups").tag("series", "future").gauge().value()).isEqualTo(7.0);

        JobCompleted dry = rotate(Map.of("series", "future", "dryRun", "true"));
        assertThat(dry.getMessage()).contains("pokemon-data-9999-01-07T00-00-00.000Z.sqlite3.db.gz (future-dated)").contains("delete 0 []");
    }

    @Test
    void unknownSeriesAndParametersAreRejected() throws Exception {
        JobCompleted unknown = rotate(Map.of("series", "nope"));
        JobCompleted missing = rotate(Map.of());
        JobCompleted extra = rotate(Map.of("series", "pokemon-data", "prefix", "/"));

        assertThat(unknown.getStatus()).isEqualTo(JobStatus.REJECTED);
        assertThat(unknown.getError().getType()).isEqualTo("UNKNOWN_SERIES");
        assertThat(unknown.getError().getMessage()).contains("pokemon-data", "dry", "locked");
        assertThat(missing.getStatus()).isEqualTo(JobStatus.REJECTED);
        assertThat(missing.getError().getType()).isEqualTo("MISSING_PARAMETER");
        assertThat(extra.getStatus()).isEqualTo(JobStatus.REJECTED);
        assertThat(extra.getError().getType()).isEqualTo("UNKNOWN_PARAMETER");
    }

    /**
     * One stored file is made immutable ({@code chattr +i}), which stops even root from removing it, so the store really
     * refuses to delete that key (403 AccessDenied for that key inside the DeleteObjects reply, as object lock or a
     * policy answers): the refusal is reported and counted, every other backup the plan dropped is deleted, and the run
     * ends PARTIALLY_FAILED without a retry. Skipped where the file system or the process cannot set the attribute.
     */
    @Test
    void aBackupTheStoreRefusesToDeleteIsReportedAndTheRestOfThePlanProceeds() throws Exception {
        uploadDaily(LOCKED, "2024-07-01", "2024-07-06");
        String lockedKey = LOCKED + "pokemon-data-2024-07-02T00-00-00.000Z.sqlite3.db.gz";
        Path lockedFile = LocalStack.s3Server().storageRoot().resolve(LocalStack.s3().bucket()).resolve(lockedKey);
        assertThat(lockedFile).exists();
        Assumptions.assumeTrue(chattr("+i", lockedFile), "cannot make a file immutable here (chattr +i)");
        try {
            JobCompleted done = rotate(Map.of("series", "locked"));

            assertThat(done.getStatus()).as("%s", done).isEqualTo(JobStatus.PARTIALLY_FAILED);
            assertThat(done.getRetryable()).isFalse();
            assertThat(done.getMessage()).contains("deleted 3 of 4 backups", lockedKey + " (AccessDenied: ");
            assertThat(done.getStats()).containsEntry("delete_refused", 1L).containsEntry("delete_failed", 0L)
                    .containsEntry("backups_deleted", 3L).containsEntry("backups_retained", 3L);
            assertThat(meters.get("rotation_delete_refused").tag("series", "locked").tag("code", "AccessDenied").counter().count())
                    .isEqualTo(1.0);
            // the refused backup keeps its checksum; everything else the plan dropped is gone
            assertThat(listing(LOCKED).keySet()).containsExactlyInAnyOrder(lockedKey, lockedKey + ".sha256",
                    LOCKED + "pokemon-data-2024-07-06T00-00-00.000Z.sqlite3.db.gz", LOCKED + "pokemon-data-2024-07-06T00-00-00.000Z.sqlite3.db.gz.sha256",
                    LOCKED + "pokemon-data-2024-07-05T00-00-00.000Z.sqlite3.db.gz", LOCKED + "pokemon-data-2024-07-05T00-00-00.000Z.sqlite3.db.gz.sha256");
        } finally {
            chattr("-i", lockedFile);
        }
        // once the store allows it, the next rotation deletes it
        JobCompleted next = rotate(Map.of("series", "locked"));
        assertThat(next.getStatus()).as("%s", next).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(next.getStats()).containsEntry("delete_refused", 0L).containsEntry("backups_deleted", 1L);
        assertThat(listing(LOCKED).keySet()).containsExactlyInAnyOrder(
                LOCKED + "pokemon-data-2024-07-06T00-00-00.000Z.sqlite3.db.gz", LOCKED + "pokemon-data-2024-07-06T00-00-00.000Z.sqlite3.db.gz.sha256",
                LOCKED + "pokemon-data-2024-07-05T00-00-00.000Z.sqlite3.db.gz", LOCKED + "pokemon-data-2024-07-05T00-00-00.000Z.sqlite3.db.gz.sha256");
    }

    static boolean chattr(String flag, Path file) throws IOException, InterruptedException {
        if (!Files.exists(file)) {
            return false;
        }
        Process p;
        try {
            p = new ProcessBuilder("chattr", flag, file.toString()).redirectErrorStream(true).start();
        } catch (IOException e) {
            return false; // no chattr on this machine
        }
        p.getInputStream().readAllBytes();
        return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
    }
}
