package io.offsite.backup.verify;

import io.offsite.backup.support.StoredObjects;
import io.offsite.backup.support.WorkerInfrastructure;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.MeterRegistry;
import io.offsite.backup.BackupWorkerApplication;
import io.offsite.backup.catalog.BackupCatalog;
import io.offsite.worker.artifact.StoredBackup;
import io.offsite.backup.catalog.VerificationRecord;
import io.offsite.events.Topics;
import io.offsite.events.v1.JobCompleted;
import io.offsite.events.v1.JobRequested;
import io.offsite.events.v1.JobStatus;
import io.offsite.events.v1.Trigger;
import io.offsite.localstack.LocalStack;
import io.offsite.localstack.demo.DemoDatabase;
import io.offsite.localstack.kafka.EventProbe;
import io.offsite.localstack.postgres.PostgresEndpoint;
import io.offsite.localstack.postgres.PostgresServer;
import io.offsite.backup.readback.PgConnection;
import io.offsite.backup.readback.PostgresTools;
import org.junit.jupiter.api.Assumptions;
import io.offsite.worker.storage.ObjectStore;
import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** verify-backups on the backup worker, against a real broker, S3 API, SQLite files and PostgreSQL. */
@SpringBootTest(classes = BackupWorkerApplication.class, webEnvironment = SpringBootTest.WebEnvironment.NONE,
        // these tests name backups after fixed dates in the past: widen the request window to reach them
        properties = {"spring.config.name=backup-worker", "offsite.worker.max-lag=36500d"})
@DirtiesContext
class VerifyJobIT {

    static final Duration WAIT = Duration.ofSeconds(90);

    @TempDir
    static Path dir;

    static EventProbe probe;
    static ObjectStore store;
    static BackupCatalog catalog;

    @Autowired
    MeterRegistry meters;

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        PostgresEndpoint pg = LocalStack.postgres();
        WorkerInfrastructure.register(registry, dir);
        registry.add("offsite.backup.sources.pokemon-data.path", () -> dir.resolve("cards.db").toString());
        registry.add("offsite.backup.sources.pokemon-data.series", () -> "verify-cards");
        registry.add("offsite.backup.sources.damaged.type", () -> "sqlite");
        registry.add("offsite.backup.sources.damaged.path", () -> dir.resolve("cards.db").toString());
        registry.add("offsite.backup.sources.damaged.series", () -> "verify-damaged");
        registry.add("offsite.backup.sources.damaged.file-prefix", () -> "damaged");
        registry.add("offsite.backup.sources.sampled.type", () -> "sqlite");
        registry.add("offsite.backup.sources.sampled.path", () -> dir.resolve("cards.db").toString());
        registry.add("offsite.backup.sources.sampled.series", () -> "verify-sampled");
        registry.add("offsite.backup.sources.sampled.file-prefix", () -> "sampled");
        registry.add("offsite.backup.postgres.host", pg::host);
        registry.add("offsite.backup.postgres.port", pg::port);
        registry.add("offsite.backup.postgres.user", pg::user);
        registry.add("offsite.backup.postgres.password", pg::password);
        registry.add("offsite.backup.sources.store.type", () -> "postgres");
        registry.add("offsite.backup.sources.store.databases", () -> "verify_store");
        registry.add("offsite.backup.sources.store.series", () -> "verify-store");
        registry.add("offsite.backup.sources.store.file-prefix", () -> "store");
        registry.add("offsite.backup.sources.store-sql.type", () -> "postgres");
        registry.add("offsite.backup.sources.store-sql.databases", () -> "verify_store");
        registry.add("offsite.backup.sources.store-sql.format", () -> "plain");
        registry.add("offsite.backup.sources.store-sql.series", () -> "verify-store-sql");
        registry.add("offsite.backup.sources.store-sql.file-prefix", () -> "store");
        registry.add("offsite.backup.sources.planted.type", () -> "postgres");
        registry.add("offsite.backup.sources.planted.databases", () -> "verify_store");
        registry.add("offsite.backup.sources.planted.format", () -> "plain");
        registry.add("offsite.backup.sources.planted.series", () -> "verify-planted");
        registry.add("offsite.backup.sources.planted.file-prefix", () -> "store");
        WorkerInfrastructure.sqliteSource(registry, "bomb", dir.resolve("cards.db"), "verify-bomb", "bomb");
        WorkerInfrastructure.sqliteSource(registry, "keys", dir.resolve("cards.db"), "verify-keys", "keys");
        WorkerInfrastructure.sqliteSource(registry, "future", dir.resolve("cards.db"), "verify-future", "future");
        registry.add("offsite.verify.max-restore-bytes", () -> Long.toString(8L * 1024 * 1024));
        registry.add("offsite.verify.scratch.enabled", () -> "true");
        // the embedded server's role for scratch restores: CREATEDB only (an external test server: its configured user)
        PostgresEndpoint scratch = LocalStack.postgresServer().map(PostgresServer::verifier).orElse(pg);
        registry.add("offsite.verify.scratch.jdbc-url", () -> "jdbc:postgresql://" + scratch.host() + ":" + scratch.port() + "/" + pg.database());
        registry.add("offsite.verify.scratch.user", scratch::user);
        registry.add("offsite.verify.scratch.password", scratch::password);
    }

    @BeforeAll
    static void start() throws Exception {
        DemoDatabase.create(dir.resolve("cards.db"), 20, 3000, 11L);
        PostgresEndpoint db = LocalStack.freshPostgresDatabase("verify_store");
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE customers (id serial PRIMARY KEY, name text NOT NULL)");
            s.execute("CREATE TABLE orders (id serial PRIMARY KEY, customer_id int REFERENCES customers(id), total numeric(10,2))");
            s.execute("INSERT INTO customers (name) SELECT 'customer ' || g FROM generate_series(1, 40) g");
            s.execute("INSERT INTO orders (customer_id, total) SELECT 1 + g % 40, g * 2.5 FROM generate_series(1, 900) g");
        }
        probe = new EventProbe(LocalStack.kafka().bootstrapServers());
        store = WorkerInfrastructure.objectStore();
        catalog = new BackupCatalog(store);
    }

    @AfterAll
    static void stop() {
        probe.close();
        store.close();
    }

    static JobRequested request(String job, String type, Map<String, String> parameters, Instant scheduledFor) {
        Instant now = Instant.now();
        return JobRequested.newBuilder().setRunId(job + "@" + scheduledFor + "-" + UUID.randomUUID()).setJobName(job).setJobType(type)
                .setTrigger(Trigger.MANUAL).setScheduledFor(scheduledFor).setRequestedAt(now).setDeadline(now.plusSeconds(120))
                .setRequestedBy("test").setParameters(parameters).build();
    }

    static String backup(String source, Instant at) {
        JobRequested request = request("backup-" + source, "BACKUP", Map.of("source", source), at);
        probe.send(Topics.REQUESTS_BACKUP, request.getJobName(), request);
        JobCompleted done = probe.awaitCompletion(request.getRunId(), WAIT);
        assertThat(done.getStatus()).as("%s", done).isEqualTo(JobStatus.SUCCEEDED);
        return done.getArtifacts().get(0).getKey();
    }

    static JobCompleted verify(Map<String, String> parameters) {
        JobRequested request = request("verify-backups", "VERIFY", parameters, Instant.now());
        probe.send(Topics.REQUESTS_VERIFY, request.getJobName(), request);
        return probe.awaitCompletion(request.getRunId(), WAIT);
    }

    static VerificationRecord sidecar(String key) throws Exception {
        StoredBackup backup = StoredBackup.fromKey(key, 0).orElseThrow();
        return catalog.verification(backup).orElseThrow();
    }

    double counter(String name, String series) {
        var counter = meters.find(name).tag("job", "verify-backups").tag("series", series).counter();
        return counter == null ? 0 : counter.count();
    }

    @Test
    void sqliteBackupIsProvenRestorableAndMarkedVerified() throws Exception {
        String key = backup("pokemon-data", Instant.parse("2025-01-15T00:00:00Z"));

        JobCompleted done = verify(Map.of("series", "pokemon-data", "key", key));

        assertThat(done.getStatus()).as("%s", done).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(done.getStats()).containsEntry("verified", 1L).containsEntry("rows_sets", 20L).containsEntry("rows_pokemon_cards", 3000L);
        assertThat(done.getArtifacts()).singleElement().satisfies(a -> assertThat(a.getKey()).isEqualTo(key));
        assertThat(done.getMessage()).contains(key + " OK (sets=20, pokemon_cards=3000");
        VerificationRecord record = sidecar(key);
        assertThat(record.outcome()).isEqualTo(VerificationRecord.Outcome.OK);
        assertThat(record.sha256()).isEqualTo(store.head(key).orElseThrow().metadata().get("sha256"));
        assertThat(record.tables()).containsEntry("sets", 20L).containsEntry("pokemon_cards", 3000L);
        assertThat(counter("backup_verified", "verify-cards")).isGreaterThanOrEqualTo(1);
        assertThat(WorkerInfrastructure.tempLeftovers(dir)).as("temp files are removed").isEmpty();
    }

    @Test
    void defaultSampleIsTheNewestPlusOneOlder() throws Exception {
        List<String> keys = List.of(backup("sampled", Instant.parse("2025-02-01T00:00:00Z")),
                backup("sampled", Instant.parse("2025-02-02T00:00:00Z")),
                backup("sampled", Instant.parse("2025-02-03T00:00:00Z")));

        JobCompleted done = verify(Map.of("series", "verify-sampled"));

        assertThat(done.getStatus()).as("%s", done).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(done.getStats()).containsEntry("verified", 2L);
        List<String> verified = done.getArtifacts().stream().map(a -> a.getKey()).toList();
        assertThat(verified).hasSize(2).contains(keys.get(2)).doesNotHaveDuplicates();
        assertThat(keys).containsAll(verified);
    }

    @Test
    void damagedObjectFailsVerificationWithTheReason() throws Exception {
        String key = backup("damaged", Instant.parse("2025-03-01T00:00:00Z"));
        double failedBefore = counter("backup_verification_failed", "verify-damaged");
        Path file = LocalStack.s3Server().storageRoot().resolve(store.bucket()).resolve(key);
        assertThat(file).exists();
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            long at = raf.length() / 2;
            raf.seek(at);
            int b = raf.read();
            raf.seek(at);
            raf.write(b ^ 0xFF);
        }

        JobCompleted done = verify(Map.of("series", "damaged", "key", key));

        assertThat(done.getStatus()).isEqualTo(JobStatus.FAILED);
        assertThat(done.getRetryable()).isFalse();
        assertThat(done.getError().getType()).isEqualTo("VERIFICATION_FAILED");
        assertThat(done.getError().getMessage()).contains(key).contains("checksum mismatch").contains("use another backup");
        VerificationRecord record = sidecar(key);
        assertThat(record.outcome()).isEqualTo(VerificationRecord.Outcome.FAILED);
        assertThat(record.reason()).contains("checksum mismatch");
        assertThat(counter("backup_verification_failed", "verify-damaged")).isEqualTo(failedBefore + 1);
        assertThat(WorkerInfrastructure.tempLeftovers(dir)).isEmpty();
    }

    @Test
    void postgresDumpsAreRestoredIntoAScratchDatabase() throws Exception {
        for (String source : new String[] {"store", "store-sql"}) {
            String key = backup(source, Instant.parse("2025-04-01T00:00:00Z"));
            JobCompleted done = verify(Map.of("series", source));
            assertThat(done.getStatus()).as("%s", done).isEqualTo(JobStatus.SUCCEEDED);
            assertThat(done.getStats()).containsEntry("rows_orders", 900L).containsEntry("rows_customers", 40L);
            assertThat(sidecar(key).tables()).containsEntry("orders", 900L);
        }
        try (Connection c = LocalStack.postgres().connect(); Statement s = c.createStatement();
             var rs = s.executeQuery("SELECT count(*) FROM pg_database WHERE datname = 'offsite_verify_scratch'")) {
            rs.next();
            assertThat(rs.getLong(1)).as("the scratch database is dropped").isZero();
        }
    }

    /** Where a planted dump would leave its mark if anything it holds ran. */
    static Path pwned(String name) {
        return dir.resolve("pwned-" + name);
    }

    @Test
    void aPlantedDumpWithAShellEscapeIsADefectAndRunsNothing() throws Exception {
        String real = backup("planted", Instant.parse("2025-07-01T00:00:00Z"));
        String planted = real.replace("2025-07-01T00-00-00", "2025-07-02T00-00-00");
        assertThat(planted).isNotEqualTo(real);
        StoredObjects.putSnapshot(store, planted, StoredObjects.plainDump("\\! touch " + pwned("shell") + "\n"));

        JobCompleted done = verify(Map.of("series", "planted", "key", planted));

        assertThat(done.getStatus()).as("%s", done).isEqualTo(JobStatus.FAILED);
        assertThat(done.getError().getType()).isEqualTo("VERIFICATION_FAILED");
        assertThat(done.getError().getMessage()).contains(planted).contains("psql meta-command '\\! touch").contains("use another backup");
        assertThat(sidecar(planted).outcome()).isEqualTo(VerificationRecord.Outcome.FAILED);
        assertThat(pwned("shell")).doesNotExist();
    }

    @Test
    void aPlantedCopyToProgramFailsUnderTheScratchRole() throws Exception {
        Assumptions.assumeTrue(LocalStack.postgresServer().isPresent(), "the scratch role is the embedded server's");
        String real = backup("planted", Instant.parse("2025-07-03T00:00:00Z"));
        String planted = real.replace("2025-07-03T00-00-00", "2025-07-04T00-00-00");
        StoredObjects.putSnapshot(store, planted, StoredObjects.plainDump("COPY (SELECT 1) TO PROGRAM 'touch " + pwned("program") + "; cat >/dev/null';\n"));

        JobCompleted done = verify(Map.of("series", "planted", "key", planted));

        assertThat(done.getStatus()).as("%s", done).isEqualTo(JobStatus.FAILED);
        assertThat(done.getError().getType()).isEqualTo("VERIFICATION_FAILED");
        assertThat(done.getError().getMessage()).contains("a restore into a scratch database failed").contains("pg_execute_server_program");
        assertThat(pwned("program")).doesNotExist();
        // the same dump restored as a superuser would have run the program: the role is what stops it
        try (Connection c = LocalStack.postgresServer().get().superuser().connect(); Statement s = c.createStatement()) {
            s.execute("COPY (SELECT 1) TO PROGRAM 'touch " + pwned("superuser") + "; cat >/dev/null'");
        }
        assertThat(pwned("superuser")).exists();
    }

    @Test
    void aSuperuserAsScratchRoleIsRefusedBeforeAnythingIsRestored() throws Exception {
        Assumptions.assumeTrue(LocalStack.postgresServer().isPresent(), "needs the embedded server's superuser");
        PgConnection superuser = PgConnection.parse(LocalStack.postgresServer().get().superuser().jdbcUrl(), "postgres",
                LocalStack.postgresServer().get().superuser().password());

        assertThatThrownBy(() -> PostgresTools.requireUnprivileged(superuser, "offsite.verify.scratch.user"))
                .isInstanceOf(PostgresTools.PrivilegedRoleException.class)
                .hasMessageContaining("role postgres is SUPERUSER").hasMessageContaining("CREATEDB only");
        PostgresEndpoint verifier = LocalStack.postgresServer().get().verifier();
        PostgresTools.requireUnprivileged(PgConnection.parse(verifier.jdbcUrl(), verifier.user(), verifier.password()), "offsite.verify.scratch.user");
    }

    @Test
    void unknownSeriesIsRejected() {
        JobCompleted done = verify(new HashMap<>(Map.of("series", "no-such-series")));
        assertThat(done.getStatus()).isEqualTo(JobStatus.REJECTED);
        assertThat(done.getError().getType()).isEqualTo("UNKNOWN_SERIES");
        assertThat(done.getError().getMessage()).contains("pokemon-data (verify-cards)");
    }

    /** Every object under a prefix, with nothing but the keys. */
    static List<String> keys(String prefix) {
        return store.list(prefix).stream().map(o -> o.key()).sorted().toList();
    }

    @Test
    void foreignSeriesAreRejectedWithNothingListedOrWritten() throws Exception {
        // a real backup copied where no configured source stores anything
        String key = backup("keys", Instant.parse("2025-02-10T00:00:00Z"));
        String foreign = "secret/keys-2025-02-10T00-00-00.000Z.sqlite3.db.gz";
        StoredObjects.copy(store, key, foreign);
        List<String> before = keys("");

        for (String series : List.of("secret/", "secret", "../other", "verify-keys/../secret", "/secret", "_incoming", "_runs")) {
            JobCompleted done = verify(Map.of("series", series, "sample", "all"));
            assertThat(done.getStatus()).as(series).isEqualTo(JobStatus.REJECTED);
            assertThat(done.getError().getType()).as(series).isEqualTo("UNKNOWN_SERIES");
            assertThat(done.getError().getMessage()).contains("not a configured series").contains("keys (verify-keys)");
        }
        assertThat(keys("")).isEqualTo(before);
        assertThat(store.head(foreign + ".verified")).isEmpty();
    }

    @Test
    void keysOutsideTheSeriesOrWithPathTricksAreRejected() throws Exception {
        String key = backup("keys", Instant.parse("2025-02-11T00:00:00Z"));
        String foreign = "secret/keys-2025-02-11T00-00-00.000Z.sqlite3.db.gz";
        StoredObjects.copy(store, key, foreign);
        List<String> before = keys("");

        for (String bad : List.of("verify-keys/../" + foreign, foreign, "/" + key, key + "\n", "verify-cards/" + key.substring(key.indexOf('/') + 1))) {
            JobCompleted done = verify(Map.of("series", "keys", "key", bad));
            assertThat(done.getStatus()).as(bad).isEqualTo(JobStatus.REJECTED);
            assertThat(done.getError().getType()).as(bad).isEqualTo("INVALID_KEY");
        }
        assertThat(keys("")).isEqualTo(before);
    }

    @Test
    void aBackupDecompressingBeyondItsRecordedSizeFailsAsADefectAndLeavesNoTempFile() throws Exception {
        String recorded = "verify-bomb/bomb-2025-05-01T00-00-00.000Z.sqlite3.db.gz";
        StoredObjects.putGzipBomb(store, recorded, 256L * 1024 * 1024, Map.of("source-bytes", "2048", "source-sha256", "0".repeat(64)));
        String unrecorded = "verify-bomb/bomb-2025-05-02T00-00-00.000Z.sqlite3.db.gz";
        StoredObjects.putGzipBomb(store, unrecorded, 256L * 1024 * 1024, Map.of());

        JobCompleted done = verify(Map.of("series", "bomb", "key", recorded));

        assertThat(done.getStatus()).as("%s", done).isEqualTo(JobStatus.FAILED);
        assertThat(done.getError().getType()).isEqualTo("VERIFICATION_FAILED");
        assertThat(done.getError().getMessage()).contains(recorded + " decompresses to more than its recorded source-bytes (2048): stopped after 2048 bytes");
        assertThat(sidecar(recorded).outcome()).isEqualTo(VerificationRecord.Outcome.FAILED);
        assertThat(WorkerInfrastructure.tempLeftovers(dir)).as("temp files are removed").isEmpty();

        JobCompleted capped = verify(Map.of("series", "bomb", "key", unrecorded));

        assertThat(capped.getStatus()).as("%s", capped).isEqualTo(JobStatus.FAILED);
        assertThat(capped.getError().getMessage()).contains("decompresses to more than the decompression limit for backups without recorded source-bytes (8.0 MB)");
        assertThat(WorkerInfrastructure.tempLeftovers(dir)).isEmpty();
    }

    @Test
    void theNewestPickPassesOverFutureDatedBackupsUnlessNamedByKey() throws Exception {
        String key = backup("future", Instant.parse("2025-06-01T00:00:00Z"));
        String forged = "verify-future/future-9999-01-01T00-00-00.000Z.sqlite3.db.gz";
        StoredObjects.copy(store, key, forged);

        JobCompleted done = verify(Map.of("series", "future", "sample", "newest"));

        assertThat(done.getStatus()).as("%s", done).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(done.getArtifacts()).singleElement().satisfies(a -> assertThat(a.getKey()).isEqualTo(key));
        assertThat(store.head(forged + ".verified")).isEmpty();

        JobCompleted byKey = verify(Map.of("series", "future", "key", forged));
        assertThat(byKey.getStatus()).as("%s", byKey).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(sidecar(forged).isOk()).isTrue();
    }
}
