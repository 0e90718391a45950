package io.offsite.scheduler.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import io.offsite.events.EventTrust;
import io.offsite.events.Topics;
import io.offsite.events.v1.Artifact;
import io.offsite.events.v1.JobCompleted;
import io.offsite.events.v1.JobStatus;
import io.offsite.localstack.LocalStack;
import io.offsite.worker.storage.ObjectStore;
import io.offsite.worker.storage.StorageProperties;
import io.offsite.worker.storage.StoredObject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tools.jackson.databind.JsonNode;

/**
 * Backup statistics and health come from what the bucket holds: objects written, rotated and removed by hand on the
 * real S3 API, completions on the real broker, and a scheduler restarted after the event log lost its records.
 */
@Timeout(180)
class InventoryIT {

    static {
        EventTrust.install();
    }

    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH-mm-ss.SSS'Z'").withZone(ZoneOffset.UTC);
    private static ObjectStore store;

    @BeforeAll
    static void store() {
        store = new ObjectStore(StorageProperties.of(LocalStack.s3().endpoint(), LocalStack.s3().accessKey(),
                LocalStack.s3().secretKey(), LocalStack.s3().bucket()));
    }

    @AfterAll
    static void close() {
        store.close();
    }

    /** The key the backup worker gives a backup of {@code folder} taken for {@code at} (its BackupNaming). */
    private static String key(String folder, Instant at) {
        return folder + "/pokemon-data-" + STAMP.format(at.truncatedTo(ChronoUnit.MILLIS)) + ".sqlite3.db.gz";
    }

    private static void put(String key, int size) {
        store.putSmall(key, new byte[size], "application/gzip", Map.of());
        store.putSmall(key + ".sha256", ("ab  " + key + "\n").getBytes(StandardCharsets.UTF_8), "text/plain", Map.of());
    }

    private static JsonNode stats(SchedulerInstance scheduler, String series) {
        for (JsonNode candidate : scheduler.get("/api/v1/backups/stats").json().get("series")) {
            if (candidate.get("series").asString().equals(series)) {
                return candidate;
            }
        }
        throw new AssertionError("no series " + series + " in the statistics");
    }

    private static JsonNode health(SchedulerInstance scheduler, String job) {
        return scheduler.get("/actuator/health/backups/" + job).json();
    }

    private static void assertStatsEqualTheBucket(SchedulerInstance scheduler, String series, String folder, Map<String, Instant> written) {
        Map<String, Long> listed = new HashMap<>();
        for (StoredObject o : store.list(folder + "/")) {
            if (o.key().endsWith(".sqlite3.db.gz")) { // what the test stores as backups; README.txt and sidecars are not
                listed.put(o.key(), o.size());
            }
        }
        assertThat(listed.keySet()).as("the test's own record of the bucket").containsExactlyInAnyOrderElementsOf(written.keySet());
        JsonNode stats = stats(scheduler, series);
        assertThat(stats.get("count").asInt()).isEqualTo(listed.size());
        assertThat(stats.get("totalSizeBytes").asLong()).isEqualTo(listed.values().stream().mapToLong(Long::longValue).sum());
        assertThat(Instant.parse(stats.get("oldest").asString())).isEqualTo(written.values().stream().min(Instant::compareTo).orElseThrow());
        assertThat(Instant.parse(stats.get("newest").asString())).isEqualTo(written.values().stream().max(Instant::compareTo).orElseThrow());
        assertThat(stats.get("prefix").asString()).isEqualTo(folder + "/");
        assertThat(stats.get("listingError").isNull()).isTrue();
    }

    /** A completion another worker publishes for a run requested here (its request published first). */
    private static void report(EventSender sender, JobCompleted completion) throws Exception {
        sender.requested(EventSender.requestOf(completion));
        sender.completed(completion);
    }

    private static JobCompleted completion(String job, String type, Instant scheduledFor) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        return JobCompleted.newBuilder().setRunId(job + "@" + scheduledFor + "#" + UUID.randomUUID()).setJobName(job).setJobType(type)
                .setStatus(JobStatus.SUCCEEDED).setStartedAt(now.minusSeconds(1)).setFinishedAt(now).setWorker("worker-elsewhere")
                .setScheduledFor(scheduledFor).build();
    }

    @Test
    void statisticsEqualTheBucketAfterBackupsARotationAndChangesByHand() throws Exception {
        String id = UUID.randomUUID().toString().substring(0, 8);
        String series = "inv-stats-" + id;
        String folder = "inv-folder-" + id;
        String backup = "inv-backup-" + id;
        String rotate = "inv-rotate-" + id;
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        Map<String, Instant> written = new HashMap<>();
        for (int day = 5; day >= 3; day--) {
            Instant at = now.minus(Duration.ofDays(day));
            put(key(folder, at), 1000 + day);
            written.put(key(folder, at), at);
        }
        store.putSmall(folder + "/README.txt", "not a backup".getBytes(StandardCharsets.UTF_8), "text/plain", Map.of());

        try (var sender = new EventSender();
                var scheduler = SchedulerInstance.start("inventory", "it-inventory-" + UUID.randomUUID(),
                        "--offsite.scheduler.inventory.interval=3s",
                        "--offsite.scheduler.inventory.prefixes." + series + "=" + folder,
                        "--offsite.scheduler.jobs." + backup + ".type=BACKUP",
                        "--offsite.scheduler.jobs." + backup + ".max-age=1d",
                        "--offsite.scheduler.jobs." + backup + ".parameters.source=" + series,
                        "--offsite.scheduler.jobs." + rotate + ".type=ROTATION",
                        "--offsite.scheduler.jobs." + rotate + ".parameters.series=" + series)) {

            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertStatsEqualTheBucket(scheduler, series, folder, written));
            assertThat(stats(scheduler, series).get("listedAt").isNull()).isFalse();

            // two backups stored by the worker and reported
            for (int hours = 2; hours >= 1; hours--) {
                Instant at = now.minus(Duration.ofHours(hours));
                put(key(folder, at), 2000 + hours);
                written.put(key(folder, at), at);
                report(sender, JobCompleted.newBuilder(completion(backup, "BACKUP", at)).setArtifacts(List.of(
                        new Artifact(LocalStack.s3().bucket(), key(folder, at), 2000L + hours, "ab", 9000L, "gzip", null))).build());
            }
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertStatsEqualTheBucket(scheduler, series, folder, written));

            // a rotation deletes the two oldest with their sidecars and says so
            List<String> deleted = new ArrayList<>();
            for (int day = 5; day >= 4; day--) {
                String key = key(folder, now.minus(Duration.ofDays(day)));
                deleted.add(key);
                deleted.add(key + ".sha256");
                written.remove(key);
            }
            assertThat(store.delete(deleted).failed()).isEmpty();
            report(sender, JobCompleted.newBuilder(completion(rotate, "ROTATION", now)).setDeletedKeys(deleted)
                    .setStats(Map.of("backups_deleted", 2L)).build());
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertStatsEqualTheBucket(scheduler, series, folder, written));

            // changes nobody reports: the next listing finds them
            String byHand = key(folder, now.minus(Duration.ofDays(3)));
            store.delete(byHand);
            written.remove(byHand);
            Instant added = now.minus(Duration.ofDays(30));
            put(key(folder, added), 77);
            written.put(key(folder, added), added);
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertStatsEqualTheBucket(scheduler, series, folder, written));
            assertStatsEqualTheBucket(scheduler, series, folder, written);

            String metrics = scheduler.get("/actuator/prometheus").body();
            assertThat(metrics).contains("offsite_inventory_objects{series=\"" + series + "\"} 3.0")
                    .contains("offsite_inventory_listing_seconds_count{series=\"" + series + "\"}")
                    .contains("offsite_inventory_listing_failures_total{series=\"" + series + "\"} 0.0");
            Instant newest = written.values().stream().max(Instant::compareTo).orElseThrow();
            String gauge = metrics.lines().filter(l -> l.startsWith("offsite_inventory_newest_backup_seconds{series=\"" + series + "\"}"))
                    .findFirst().orElseThrow();
            assertThat(Double.parseDouble(gauge.substring(gauge.lastIndexOf(' ') + 1)))
                    .as("the newest backup's time, for alerts on its age").isCloseTo(newest.toEpochMilli() / 1000.0, within(0.001));
            assertThat(health(scheduler, backup).get("status").asString()).isEqualTo("UP");
        }
    }

    @Test
    void healthTurnsDownWhenTheNewestBackupIsDeletedByHandOrItsVerificationFailed() {
        String id = UUID.randomUUID().toString().substring(0, 8);
        String series = "inv-health-" + id;
        String backup = "inv-health-backup-" + id;
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        String fresh = key(series, now.minus(Duration.ofMinutes(10)));
        put(fresh, 100);
        for (int day = 2; day <= 4; day++) {
            put(key(series, now.minus(Duration.ofDays(day))), 100);
        }

        try (var scheduler = SchedulerInstance.start("inventory-health", "it-inventory-" + UUID.randomUUID(),
                "--offsite.scheduler.inventory.interval=2s",
                "--offsite.scheduler.jobs." + backup + ".type=BACKUP",
                "--offsite.scheduler.jobs." + backup + ".max-age=1h",
                "--offsite.scheduler.jobs." + backup + ".parameters.source=" + series)) {
            await().atMost(Duration.ofSeconds(20)).until(() -> "UP".equals(health(scheduler, backup).get("status").asString()));
            JsonNode up = health(scheduler, backup).get("details");
            assertThat(up.get("newestBackupAt").asString()).isEqualTo(now.minus(Duration.ofMinutes(10)).toString());
            assertThat(up.get("backups").asInt()).isEqualTo(4);
            assertThat(up.get("listedAt").asString()).isNotEqualTo("never");

            // a verification sidecar of the newest backup says it cannot be restored
            store.putSmall(fresh + ".verified", ("{\"key\":\"" + fresh + "\",\"verifiedAt\":\"" + now + "\",\"outcome\":\"FAILED\","
                    + "\"reason\":\"integrity_check failed\"}").getBytes(StandardCharsets.UTF_8), "application/json", Map.of());
            await().atMost(Duration.ofSeconds(20)).until(() -> "DOWN".equals(health(scheduler, backup).get("status").asString()));
            JsonNode failed = health(scheduler, backup).get("details");
            assertThat(failed.get("reason").asString()).startsWith("last verification of series '" + series + "' FAILED (sidecar "
                    + fresh + ".verified").endsWith(": integrity_check failed");
            assertThat(failed.get("lastVerification").get("status").asString()).isEqualTo("FAILED");

            // a passing one replaces it
            store.putSmall(fresh + ".verified", ("{\"key\":\"" + fresh + "\",\"verifiedAt\":\"" + now.plusSeconds(1) + "\",\"outcome\":\"OK\"}")
                    .getBytes(StandardCharsets.UTF_8), "application/json", Map.of());
            await().atMost(Duration.ofSeconds(20)).until(() -> "UP".equals(health(scheduler, backup).get("status").asString()));

            // the newest backup deleted by hand: the others are two days old, past the maximum age of an hour
            store.delete(List.of(fresh, fresh + ".sha256", fresh + ".verified"));
            await().atMost(Duration.ofSeconds(20)).until(() -> "DOWN".equals(health(scheduler, backup).get("status").asString()));
            JsonNode down = health(scheduler, backup).get("details");
            assertThat(down.get("reason").asString()).startsWith("newest backup at " + now.minus(Duration.ofDays(2)))
                    .contains("more than the maximum age PT1H");
            assertThat(down.get("backups").asInt()).isEqualTo(3);
            assertThat(down.get("lastVerification").asString()).isEqualTo("none");
            assertThat(scheduler.get("/actuator/health").status()).isEqualTo(503);
        }
    }

    @Test
    void aSchedulerRestartedAfterTheEventLogLostItsRecordsStillKnowsTheBucket() throws Exception {
        String id = UUID.randomUUID().toString().substring(0, 8);
        String series = "inv-restart-" + id;
        String backup = "inv-restart-backup-" + id;
        String[] jobs = {
                "--offsite.scheduler.jobs." + backup + ".type=BACKUP",
                "--offsite.scheduler.jobs." + backup + ".max-age=1h",
                "--offsite.scheduler.jobs." + backup + ".parameters.source=" + series};
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        Map<String, Instant> written = new HashMap<>();
        for (int minutes : new int[] {50, 30, 10}) {
            Instant at = now.minus(Duration.ofMinutes(minutes));
            put(key(series, at), 500 + minutes);
            written.put(key(series, at), at);
        }
        try (var sender = new EventSender()) {
            Instant at = now.minus(Duration.ofMinutes(10));
            report(sender, JobCompleted.newBuilder(completion(backup, "BACKUP", at)).setArtifacts(List.of(
                    new Artifact(LocalStack.s3().bucket(), key(series, at), 510L, "ab", 9000L, "gzip", null))).build());
        }
        try (var first = SchedulerInstance.start("inventory-before", "it-inventory-" + UUID.randomUUID(), jobs)) {
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertStatsEqualTheBucket(first, series, folderOf(series), written));
            await().atMost(Duration.ofSeconds(20)).until(() -> lastSuccessOf(first, backup) != null);
        }

        // retention drops every record: requests and completions alike
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, LocalStack.kafka().bootstrapServers()))) {
            List<String> topics = List.of(Topics.JOB_EVENTS, Topics.REQUESTS_BACKUP);
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            admin.describeTopics(topics).allTopicNames().get().forEach((topic, description) -> description.partitions()
                    .forEach(p -> latest.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest())));
            Map<TopicPartition, RecordsToDelete> truncate = new HashMap<>();
            admin.listOffsets(latest).all().get().forEach((partition, offset) ->
                    truncate.put(partition, RecordsToDelete.beforeOffset(offset.offset())));
            admin.deleteRecords(truncate).all().get();
        }

        try (var second = SchedulerInstance.start("inventory-after", "it-inventory-" + UUID.randomUUID(), jobs)) {
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertStatsEqualTheBucket(second, series, folderOf(series), written));
            await().atMost(Duration.ofSeconds(20)).until(() -> "UP".equals(health(second, backup).get("status").asString()));
            assertThat(health(second, backup).get("details").get("newestBackupAt").asString())
                    .isEqualTo(now.minus(Duration.ofMinutes(10)).toString());
            assertThat(lastSuccessOf(second, backup)).as("the event log no longer holds the run").isNull();
        }
    }

    private static String folderOf(String series) {
        return series;
    }

    /** The job's last success as the run history (the event log) knows it; null when it knows none. */
    private static String lastSuccessOf(SchedulerInstance scheduler, String job) {
        for (JsonNode view : scheduler.get("/api/v1/jobs").json()) {
            if (view.path("name").asString("").equals(job)) {
                JsonNode last = view.get("lastSuccessAt");
                return last == null || last.isNull() ? null : last.asString();
            }
        }
        throw new AssertionError("no job " + job);
    }
}
