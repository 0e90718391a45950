package io.offsite.backup;

import io.offsite.backup.support.WorkerInfrastructure;
import static org.assertj.core.api.Assertions.assertThat;

import io.offsite.events.Topics;
import io.offsite.events.v1.Artifact;
import io.offsite.events.v1.JobCompleted;
import io.offsite.events.v1.JobRequested;
import io.offsite.events.v1.JobStatus;
import io.offsite.events.v1.Trigger;
import io.offsite.localstack.LocalStack;
import io.offsite.localstack.demo.DemoDatabase;
import io.offsite.localstack.kafka.EventProbe;
import io.offsite.localstack.postgres.PostgresEndpoint;
import io.offsite.worker.integrity.Sha256;
import io.offsite.worker.storage.ObjectStore;
import io.offsite.worker.storage.StoredObject;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import io.offsite.worker.artifact.BackupKeys;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The backup worker against a real Kafka broker, a real S3 API and real SQLite files. */
@SpringBootTest(classes = BackupWorkerApplication.class, webEnvironment = SpringBootTest.WebEnvironment.NONE,
        // these tests name backups after fixed dates in the past: widen the request window to reach them
        properties = {"spring.config.name=backup-worker", "offsite.worker.max-lag=36500d"})
@DirtiesContext
class BackupWorkerIT {

    static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    static Path dir;

    static EventProbe probe;
    static ObjectStore store;

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) throws IOException {
        WorkerInfrastructure.register(registry, dir);
        registry.add("offsite.backup.sources.pokemon-data.path", () -> dir.resolve("pokemon-data.sqlite3.db").toString());
        WorkerInfrastructure.sqliteSource(registry, "journal", dir.resolve("journal.db"), "journal-backups", "journal");
        WorkerInfrastructure.sqliteSource(registry, "gone", dir.resolve("does-not-exist.db"), "gone", "gone");
        WorkerInfrastructure.sqliteSource(registry, "once", dir.resolve("pokemon-data.sqlite3.db"), "once-backups", "pokemon-data");
        WorkerInfrastructure.sqliteSource(registry, "late", dir.resolve("late.db"), "late-backups", "late");
        WorkerInfrastructure.sqliteSource(registry, "pokemon-zstd", dir.resolve("pokemon-data.sqlite3.db"), "zstd-backups", "pokemon-data");
        registry.add("offsite.backup.sources.pokemon-zstd.compression", () -> "zstd");
        PostgresEndpoint pg = LocalStack.postgres();
        registry.add("offsite.backup.postgres.host", pg::host);
        registry.add("offsite.backup.postgres.port", pg::port);
        registry.add("offsite.backup.postgres.user", pg::user);
        registry.add("offsite.backup.postgres.password", pg::password);
        WorkerInfrastructure.source(registry, "shop", "postgres", "shop-backups", "shop");
        registry.add("offsite.backup.sources.shop.databases", () -> "shop_a,shop_b");
        // lists no databases: dumps the default one (POSTGRES_DB)
        registry.add("offsite.backup.postgres.database", () -> "shop_a");
        WorkerInfrastructure.source(registry, "shop-sql", "postgres", "shop-sql", "shop");
        registry.add("offsite.backup.sources.shop-sql.format", () -> "plain");
    }

    @BeforeAll
    static void start() throws IOException {
        plantLeftovers();
        DemoDatabase.create(dir.resolve("pokemon-data.sqlite3.db"), 20, 3000, 7L);
        DemoDatabase.create(dir.resolve("journal.db"), 20, 3000, 8L);
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("journal.db")); Statement s = c.createStatement()) {
            s.execute("PRAGMA journal_mode=DELETE");
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        seedShop(LocalStack.freshPostgresDatabase("shop_a"), 1200);
        seedShop(LocalStack.freshPostgresDatabase("shop_b"), 700);
        probe = new EventProbe(LocalStack.kafka().bootstrapServers());
        store = WorkerInfrastructure.objectStore();
    }

    @AfterAll
    static void stop() {
        probe.close();
        store.close();
    }

    /**
     * What stopped processes left in the temp folder before the worker starts: the folder of a killed instance (its
     * lock file held by no one), a snapshot folder and a verification file of an earlier version two hours old, and a
     * file of another program.
     */
    static void plantLeftovers() throws IOException {
        Path tmp = Files.createDirectories(dir.resolve("tmp"));
        Path dead = Files.createDirectories(tmp.resolve("offsite-worker-4242-0badf00d/snapshot-1"));
        Files.writeString(dead.getParent().resolve(".lock"), "pid 4242\n");
        Files.write(dead.resolve("pokemon-data.sqlite3.db"), new byte[300_000]);
        Path legacy = Files.createDirectories(tmp.resolve("offsite-snapshot-1234"));
        Files.write(legacy.resolve("pokemon-data.sqlite3.db"), new byte[200_000]);
        Path legacyVerify = Files.write(tmp.resolve("verify-6f1c.tmp"), new byte[100_000]);
        java.nio.file.attribute.FileTime twoHoursAgo = java.nio.file.attribute.FileTime.from(Instant.now().minus(Duration.ofHours(2)));
        for (Path p : List.of(legacy.resolve("pokemon-data.sqlite3.db"), legacy, legacyVerify)) {
            Files.setLastModifiedTime(p, twoHoursAgo);
        }
        Files.writeString(tmp.resolve("another-program.txt"), "not the worker's");
    }

    @org.springframework.beans.factory.annotation.Autowired
    io.micrometer.core.instrument.MeterRegistry registry;

    @Test
    void startSweepsWhatStoppedProcessesLeftAndABackupLeavesOnlyItsOwnEmptyFolder() throws Exception {
        Path tmp = dir.resolve("tmp");
        assertThat(tmp.resolve("offsite-worker-4242-0badf00d")).as("a dead instance's folder").doesNotExist();
        assertThat(tmp.resolve("offsite-snapshot-1234")).as("an earlier version's snapshot folder").doesNotExist();
        assertThat(tmp.resolve("verify-6f1c.tmp")).doesNotExist();
        assertThat(registry.get("backup_temp_swept").tag("kind", "dead-instance").counter().count()).isEqualTo(1);
        assertThat(registry.get("backup_temp_swept_bytes").tag("kind", "dead-instance").counter().count()).isGreaterThanOrEqualTo(300_000);
        assertThat(registry.get("backup_temp_swept").tag("kind", "legacy").counter().count()).isEqualTo(2);
        assertThat(registry.get("backup_temp_swept_bytes").tag("kind", "legacy").counter().count()).isEqualTo(300_000);

        JobRequested request = request("backup-database", "pokemon-data", uniqueInstant());
        probe.send(Topics.REQUESTS_BACKUP, request.getJobName(), request);
        assertThat(probe.awaitCompletion(request.getRunId(), WAIT).getStatus()).isEqualTo(JobStatus.SUCCEEDED);

        try (var entries = Files.list(tmp)) {
            assertThat(entries.map(p -> p.getFileName().toString()).sorted().toList())
                    .as("the other program's file, and this worker's own folder")
                    .satisfiesExactly(n -> assertThat(n).isEqualTo("another-program.txt"),
                            n -> assertThat(n).startsWith("offsite-worker-" + ProcessHandle.current().pid() + "-"));
        }
        try (var own = Files.list(tmp); var inside = Files.list(own.filter(p -> p.getFileName().toString().startsWith("offsite-worker-"))
                .findFirst().orElseThrow())) {
            assertThat(inside.map(p -> p.getFileName().toString()).toList()).as("empty but for its lock").containsExactly(".lock");
        }
    }

    static JobRequested request(String job, String source, Instant scheduledFor) {
        Instant now = Instant.now();
        return JobRequested.newBuilder()
                .setRunId(job + "@" + scheduledFor)
                .setJobName(job)
                .setJobType("BACKUP")
                .setTrigger(Trigger.MANUAL)
                .setScheduledFor(scheduledFor)
                .setRequestedAt(now)
                .setDeadline(now.plusSeconds(120))
                .setRequestedBy("test")
                .setParameters(source == null ? Map.of() : Map.of("source", source))
                .build();
    }

    static Instant uniqueInstant() {
        return Instant.now().truncatedTo(ChronoUnit.MILLIS).plusNanos((long) (Math.random() * 1000) * 1_000_000L);
    }

    @Test
    void backupIsStoredVerifiedAndRestorable() throws Exception {
        Instant at = Instant.parse("2025-01-15T00:00:00Z");
        JobRequested request = request("backup-database", "pokemon-data", at);
        probe.send(Topics.REQUESTS_BACKUP, request.getJobName(), request);

        JobCompleted done = probe.awaitCompletion(request.getRunId(), WAIT);

        assertThat(done.getStatus()).as("%s", done).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(probe.starts(request.getRunId())).hasSize(1);
        Artifact artifact = done.getArtifacts().get(0);
        assertThat(artifact.getKey()).isEqualTo("backup-database/pokemon-data-2025-01-15T00-00-00.000Z.sqlite3.db.gz");
        assertThat(artifact.getCompression()).isEqualTo("gzip");

        StoredObject stored = store.head(artifact.getKey()).orElseThrow();
        assertThat(stored.metadata()).containsEntry("sha256", artifact.getSha256())
                .containsEntry("run-id", request.getRunId()).containsEntry("source", "pokemon-data");
        Path gz = dir.resolve("restore.sqlite3.db.gz");
        try (InputStream in = store.open(artifact.getKey())) {
            Files.copy(in, gz);
        }
        try (InputStream in = Files.newInputStream(gz)) {
            assertThat(Sha256.of(in).sha256()).isEqualTo(artifact.getSha256()).isEqualTo(stored.metadata().get("sha256"));
        }
        assertThat(Files.size(gz)).isEqualTo(artifact.getSizeBytes());
        Path restored = gunzipWithCli(gz);
        try (InputStream in = Files.newInputStream(restored)) {
            assertThat(Sha256.of(in).sha256()).isEqualTo(artifact.getSourceSha256());
        }
        assertThat(integrityCheck(restored)).isEqualTo("ok");
        assertThat(count(restored, "pokemon_cards")).isEqualTo(3000);
        assertThat(count(restored, "sets")).isEqualTo(20);
        assertThat(store.head(artifact.getKey() + ".sha256")).isPresent();
        try (InputStream in = store.open(artifact.getKey() + ".sha256")) {
            assertThat(new String(in.readAllBytes())).isEqualTo(artifact.getSha256() + "  pokemon-data-2025-01-15T00-00-00.000Z.sqlite3.db.gz\n");
        }
        assertThat(store.list("_incoming/")).isEmpty();
        assertThat(WorkerInfrastructure.tempLeftovers(dir)).as("temp snapshots are removed")
                .allMatch(p -> p.getFileName().toString().equals("another-program.txt"));
    }

    @Test
    void snapshotsStayConsistentWhileTheSourceIsWritten() throws Exception {
        for (String source : new String[] {"pokemon-data", "journal"}) {
            Path db = source.equals("journal") ? dir.resolve("journal.db") : dir.resolve("pokemon-data.sqlite3.db");
            long before = count(db, "pokemon_cards");
            AtomicBoolean writing = new AtomicBoolean(true);
            AtomicLong written = new AtomicLong();
            Thread writer = new Thread(() -> {
                try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement()) {
                    s.execute("PRAGMA busy_timeout = 10000");
                    long i = 0;
                    while (writing.get()) {
                        s.execute("INSERT INTO pokemon_cards (id, name, supertype, set_id, number, updated_at) VALUES ('w-" + source + "-" + i
                                + "', 'Writer', 'Trainer', 'set0', 'w" + i + "', '2025-01-01T00:00:00Z')");
                        i++;
                        written.incrementAndGet();
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            writer.start();
            while (written.get() < 50) {
                Thread.sleep(5);
            }
            JobRequested request = request(source.equals("journal") ? "backup-journal" : "backup-database", source, uniqueInstant());
            probe.send(Topics.REQUESTS_BACKUP, request.getJobName(), request);
            JobCompleted done = probe.awaitCompletion(request.getRunId(), WAIT);
            writing.set(false);
            writer.join(20_000);

            assertThat(done.getStatus()).as("%s", done).isEqualTo(JobStatus.SUCCEEDED);
            Path gz = dir.resolve(source + "-" + UUID.randomUUID() + ".gz");
            try (InputStream in = store.open(done.getArtifacts().get(0).getKey())) {
                Files.copy(in, gz);
            }
            Path restored = gunzipWithCli(gz);
            assertThat(integrityCheck(restored)).isEqualTo("ok");
            long inBackup = count(restored, "pokemon_cards");
            assertThat(inBackup).as("rows in the %s backup", source).isBetween(before, before + written.get());
            long writerRows = countWhere(restored, "pokemon_cards", "id LIKE 'w-" + source + "-%'");
            assertThat(inBackup - before).isEqualTo(writerRows);
        }
    }

    @Test
    void unknownSourceIsRejected() {
        JobRequested request = request("backup-database", "no-such-source", uniqueInstant());
        probe.send(Topics.REQUESTS_BACKUP, request.getJobName(), request);
        JobCompleted done = probe.awaitCompletion(request.getRunId(), WAIT);
        assertThat(done.getStatus()).isEqualTo(JobStatus.REJECTED);
        assertThat(done.getRetryable()).isFalse();
        assertThat(done.getError().getType()).isEqualTo("UNKNOWN_SOURCE");
        assertThat(done.getError().getMessage()).contains("no-such-source").contains("pokemon-data");
    }

    @Test
    void requestWithoutSourceIsRejected() {
        JobRequested request = request("backup-database", null, uniqueInstant());
        probe.send(Topics.REQUESTS_BACKUP, request.getJobName(), request);
        JobCompleted done = probe.awaitCompletion(request.getRunId(), WAIT);
        assertThat(done.getStatus()).isEqualTo(JobStatus.REJECTED);
        assertThat(done.getError().getType()).isEqualTo("MISSING_PARAMETER");
    }

    @Test
    void missingSourceFileFailsNamingThePath() {
        JobRequested request = request("backup-gone", "gone", uniqueInstant());
        probe.send(Topics.REQUESTS_BACKUP, request.getJobName(), request);
        JobCompleted done = probe.awaitCompletion(request.getRunId(), WAIT);
        assertThat(done.getStatus()).isEqualTo(JobStatus.FAILED);
        assertThat(done.getError().getType()).isEqualTo("SOURCE_NOT_FOUND");
        assertThat(done.getError().getMessage()).contains(dir.resolve("does-not-exist.db").toString());
        assertThat(store.list("gone/")).isEmpty();
    }

    @Test
    void duplicateDeliveryStoresOneObject() {
        JobRequested request = request("backup-database", "pokemon-data", uniqueInstant());
        probe.send(Topics.REQUESTS_BACKUP, request.getJobName(), request);
        JobCompleted first = probe.awaitCompletion(request.getRunId(), WAIT);
        String key = first.getArtifacts().get(0).getKey();
        Instant firstModified = store.head(key).orElseThrow().lastModified();

        probe.send(Topics.REQUESTS_BACKUP, request.getJobName(), request);
        JobCompleted second = probe.awaitCompletion(c -> c.getRunId().equals(request.getRunId()) && c != first
                && probe.completions(request.getRunId()).size() == 2, WAIT, "second delivery");

        assertThat(first.getStatus()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(second.getStatus()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(second.getStats()).containsEntry("already_stored", 1L);
        assertThat(second.getArtifacts().get(0).getSha256()).isEqualTo(first.getArtifacts().get(0).getSha256());
        assertThat(store.head(key).orElseThrow().lastModified()).isEqualTo(firstModified);
        assertThat(store.list(key).stream().filter(o -> o.key().equals(key))).hasSize(1);
    }

    /** Publishes a request and returns the {@code nth} completion of its run id. */
    static JobCompleted deliver(JobRequested request, int nth) {
        probe.send(Topics.REQUESTS_BACKUP, request.getJobName(), request);
        probe.awaitCompletion(c -> c.getRunId().equals(request.getRunId()) && probe.completions(request.getRunId()).size() >= nth,
                WAIT, "completion " + nth + " of " + request.getRunId());
        return probe.completions(request.getRunId()).get(nth - 1);
    }

    static List<String> backupKeys(String prefix) {
        return store.list(prefix).stream().map(StoredObject::key).filter(k -> !k.endsWith(".sha256")).sorted().toList();
    }

    @Test
    void aRunIdProducesOneBackupWhateverScheduledForItIsRepublishedWith() throws Exception {
        Instant at = uniqueInstant();
        JobRequested first = request("backup-once", "once", at);
        JobCompleted stored = deliver(first, 1);
        assertThat(stored.getStatus()).as("%s", stored).isEqualTo(JobStatus.SUCCEEDED);
        String key = stored.getArtifacts().get(0).getKey();

        // the same run id, another scheduledFor: a conflicting duplicate
        JobRequested moved = JobRequested.newBuilder(first).setScheduledFor(at.plus(Duration.ofMinutes(1))).build();
        JobCompleted duplicate = deliver(moved, 2);

        assertThat(duplicate.getStatus()).as("%s", duplicate).isEqualTo(JobStatus.REJECTED);
        assertThat(duplicate.getRetryable()).isFalse();
        assertThat(duplicate.getError().getType()).isEqualTo("DUPLICATE_RUN_ID");
        assertThat(duplicate.getError().getMessage()).contains(first.getRunId()).contains("already stored " + key);
        assertThat(backupKeys("once-backups/")).containsExactly(key);

        // a retry of the run itself still completes, without a second upload
        Instant modified = store.head(key).orElseThrow().lastModified();
        JobRequested retry = JobRequested.newBuilder(first).setAttempt(2).setTrigger(Trigger.RETRY).build();
        JobCompleted again = deliver(retry, 3);
        assertThat(again.getStatus()).as("%s", again).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(again.getStats()).containsEntry("already_stored", 1L);
        assertThat(store.head(key).orElseThrow().lastModified()).isEqualTo(modified);
        assertThat(backupKeys("once-backups/")).containsExactly(key);

        StoredObject claim = store.head(BackupKeys.runClaimKey(first.getRunId())).orElseThrow();
        assertThat(claim.meta("run-id")).contains(first.getRunId());
        try (InputStream in = store.open(claim.key())) {
            assertThat(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)).contains("\"keys\":[\"" + key + "\"]");
        }
        assertThat(store.list("once-backups/")).noneMatch(o -> o.key().contains("_runs"));
    }

    @Test
    void aRunThatFailedAfterItsClaimIsRetriedToItsOneBackup() throws Exception {
        JobRequested first = request("backup-late", "late", uniqueInstant());
        JobCompleted failed = deliver(first, 1);
        assertThat(failed.getStatus()).as("%s", failed).isEqualTo(JobStatus.FAILED);
        assertThat(failed.getError().getType()).isEqualTo("SOURCE_NOT_FOUND");
        assertThat(store.head(BackupKeys.runClaimKey(first.getRunId()))).as("claimed before the snapshot failed").isPresent();
        assertThat(backupKeys("late-backups/")).isEmpty();

        DemoDatabase.create(dir.resolve("late.db"), 5, 50, 9L);
        JobCompleted retried = deliver(JobRequested.newBuilder(first).setAttempt(2).setTrigger(Trigger.RETRY).build(), 2);

        assertThat(retried.getStatus()).as("%s", retried).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(retried.getStats()).doesNotContainKey("already_stored");
        assertThat(backupKeys("late-backups/")).containsExactly(retried.getArtifacts().get(0).getKey());
    }

    @Test
    void zstdBackupDecompressesWithTheZstdCliToTheSnapshotBytes() throws Exception {
        JobRequested request = request("backup-zstd", "pokemon-zstd", uniqueInstant());
        probe.send(Topics.REQUESTS_BACKUP, request.getJobName(), request);
        JobCompleted done = probe.awaitCompletion(request.getRunId(), WAIT);
        assertThat(done.getStatus()).as("%s", done).isEqualTo(JobStatus.SUCCEEDED);
        Artifact artifact = done.getArtifacts().get(0);
        assertThat(artifact.getKey()).startsWith("zstd-backups/pokemon-data-").endsWith(".sqlite3.db.zst");
        assertThat(artifact.getCompression()).isEqualTo("zstd");
        Path zst = dir.resolve("backup-" + UUID.randomUUID() + ".zst");
        try (InputStream in = store.open(artifact.getKey())) {
            Files.copy(in, zst);
        }
        Path restored = dir.resolve(zst.getFileName() + ".restored");
        Process p = new ProcessBuilder("zstd", "-d", "-q", "-o", restored.toString(), zst.toString()).inheritIO().start();
        assertThat(p.waitFor()).isZero();
        try (InputStream in = Files.newInputStream(restored)) {
            assertThat(Sha256.of(in).sha256()).isEqualTo(artifact.getSourceSha256());
        }
        assertThat(integrityCheck(restored)).isEqualTo("ok");
    }

    @Test
    void postgresDatabasesAreDumpedAndRestoreWithIdenticalRowCounts() throws Exception {
        JobRequested request = request("backup-shop", "shop", uniqueInstant());
        probe.send(Topics.REQUESTS_BACKUP, request.getJobName(), request);
        JobCompleted done = probe.awaitCompletion(request.getRunId(), WAIT);

        assertThat(done.getStatus()).as("%s", done).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(done.getArtifacts()).hasSize(2);
        assertThat(done.getArtifacts().get(0).getKey()).startsWith("shop-backups/shop_a/shop-").endsWith(".dump.gz");
        assertThat(done.getArtifacts().get(1).getKey()).startsWith("shop-backups/shop_b/shop-");
        String[] databases = {"shop_a", "shop_b"};
        for (int i = 0; i < 2; i++) {
            Artifact artifact = done.getArtifacts().get(i);
            Path gz = dir.resolve(databases[i] + "-" + UUID.randomUUID() + ".dump.gz");
            try (InputStream in = store.open(artifact.getKey())) {
                Files.copy(in, gz);
            }
            Path dump = gunzipWithCli(gz);
            try (InputStream in = Files.newInputStream(dump)) {
                assertThat(Sha256.of(in).sha256()).isEqualTo(artifact.getSourceSha256());
            }
            PostgresEndpoint scratch = LocalStack.freshPostgresDatabase("restore_" + databases[i]);
            exec(scratch, "pg_restore", "--no-owner", "--dbname=" + scratch.database(), dump.toString());
            assertThat(rows(scratch, "orders")).isEqualTo(rows(LocalStack.postgres().withDatabase(databases[i]), "orders"));
            assertThat(rows(scratch, "customers")).isEqualTo(rows(LocalStack.postgres().withDatabase(databases[i]), "customers"));
        }
    }

    @Test
    void plainSqlDumpOfTheDefaultDatabaseRestoresWithPsql() throws Exception {
        JobRequested request = request("backup-shop-sql", "shop-sql", uniqueInstant());
        probe.send(Topics.REQUESTS_BACKUP, request.getJobName(), request);
        JobCompleted done = probe.awaitCompletion(request.getRunId(), WAIT);
        assertThat(done.getStatus()).as("%s", done).isEqualTo(JobStatus.SUCCEEDED);
        Artifact artifact = done.getArtifacts().get(0);
        assertThat(artifact.getKey()).startsWith("shop-sql/shop-").endsWith(".sql.gz");
        Path gz = dir.resolve("plain-" + UUID.randomUUID() + ".sql.gz");
        try (InputStream in = store.open(artifact.getKey())) {
            Files.copy(in, gz);
        }
        Path sql = gunzipWithCli(gz);
        PostgresEndpoint scratch = LocalStack.freshPostgresDatabase("restore_plain");
        exec(scratch, "psql", "--no-psqlrc", "--quiet", "--set=ON_ERROR_STOP=1", "--dbname=" + scratch.database(), "--file=" + sql);
        assertThat(rows(scratch, "orders")).isEqualTo(1200);
    }

    static void seedShop(PostgresEndpoint db, int orders) {
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE customers (id serial PRIMARY KEY, name text NOT NULL)");
            s.execute("CREATE TABLE orders (id serial PRIMARY KEY, customer_id int REFERENCES customers(id), total numeric(10,2), note text)");
            s.execute("INSERT INTO customers (name) SELECT 'customer ' || g FROM generate_series(1, 100) g");
            s.execute("INSERT INTO orders (customer_id, total, note) SELECT 1 + g % 100, g * 1.5, repeat('x', g % 50) FROM generate_series(1, " + orders + ") g");
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static void exec(PostgresEndpoint db, String... command) throws Exception {
        java.util.List<String> full = new java.util.ArrayList<>(java.util.List.of(command));
        full.add(1, "--host=" + db.host());
        full.add(2, "--port=" + db.port());
        full.add(3, "--username=" + db.user());
        ProcessBuilder builder = new ProcessBuilder(full).redirectErrorStream(true);
        builder.environment().put("PGPASSWORD", db.password());
        Process p = builder.start();
        String output = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor()).as("%s: %s", String.join(" ", command), output).isZero();
    }

    static long rows(PostgresEndpoint db, String table) throws Exception {
        try (Connection c = db.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM " + table)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    static Path gunzipWithCli(Path gz) throws Exception {
        Path out = Path.of(gz.toString().replaceAll("\\.gz$", "") + ".restored");
        Process p = new ProcessBuilder("gunzip", "-c", gz.toString()).redirectOutput(out.toFile()).start();
        assertThat(p.waitFor()).as("gunzip exit code").isZero();
        return out;
    }

    static String integrityCheck(Path db) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("PRAGMA integrity_check")) {
            rs.next();
            return rs.getString(1);
        }
    }

    static long count(Path db, String table) throws Exception {
        return countWhere(db, table, "1=1");
    }

    static long countWhere(Path db, String table, String where) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM " + table + " WHERE " + where)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
