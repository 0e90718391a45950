package io.offsite.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.offsite.backup.catalog.BackupCatalog;
import io.offsite.backup.crypt.AgeCli;
import io.offsite.backup.crypt.AgeIdentity;
import io.offsite.backup.readback.BackupDefectException;
import io.offsite.backup.readback.PostgresTools;
import io.offsite.backup.readback.Report;
import io.offsite.backup.readback.RestoreException;
import io.offsite.backup.restore.Restorer;
import io.offsite.backup.catalog.VerificationRecord;
import io.offsite.backup.temp.InstanceFolder;
import io.offsite.backup.temp.SpaceLedger;
import io.offsite.backup.verify.BackupVerifier;
import io.offsite.events.v1.Trigger;
import io.offsite.worker.artifact.VerifiedSidecar;
import java.util.UUID;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.RandomAccessFile;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import io.offsite.backup.support.WorkerInfrastructure;
import io.offsite.events.Topics;
import io.offsite.events.v1.Artifact;
import io.offsite.events.v1.JobCompleted;
import io.offsite.events.v1.JobRequested;
import io.offsite.events.v1.JobStatus;
import io.offsite.localstack.LocalStack;
import io.offsite.localstack.demo.DemoDatabase;
import io.offsite.localstack.kafka.EventProbe;
import io.offsite.worker.artifact.BackupMetadata;
import io.offsite.worker.integrity.Sha256;
import io.offsite.worker.storage.ObjectStore;
import io.offsite.worker.storage.StoredObject;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Backups encrypted with age on the local stack (real Kafka, real S3 API, real SQLite files): the worker holds only the
 * recipients, and Debian's {@code age} CLI with either identity decrypts what it stored.
 */
@SpringBootTest(classes = BackupWorkerApplication.class, webEnvironment = SpringBootTest.WebEnvironment.NONE,
        properties = {"spring.config.name=backup-worker", "offsite.worker.max-lag=36500d"})
@DirtiesContext
class EncryptedBackupIT {

    static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    static Path dir;

    static EventProbe probe;
    static ObjectStore store;
    static String oldRecipient;
    static String newRecipient;

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) throws Exception {
        oldRecipient = AgeCli.keygen(dir.resolve("old.txt"));
        newRecipient = AgeCli.keygen(dir.resolve("new.txt"));
        AgeCli.keygen(dir.resolve("stranger.txt"));
        WorkerInfrastructure.register(registry, dir);
        Path db = dir.resolve("cards.sqlite3.db");
        // every source encrypts to the old and the new key (a rotation in progress) ...
        registry.add("offsite.backup.encryption.recipients[0]", () -> oldRecipient);
        registry.add("offsite.backup.encryption.recipients[1]", () -> newRecipient);
        WorkerInfrastructure.sqliteSource(registry, "sealed", db, "sealed-backups", "cards");
        WorkerInfrastructure.sqliteSource(registry, "sealed-zstd", db, "sealed-zstd", "cards");
        registry.add("offsite.backup.sources.sealed-zstd.compression", () -> "zstd");
        // ... but this one, which names the new key alone
        WorkerInfrastructure.sqliteSource(registry, "new-only", db, "new-only", "cards");
        registry.add("offsite.backup.sources.new-only.encryption.recipients[0]", () -> newRecipient);
    }

    @BeforeAll
    static void start() throws IOException {
        DemoDatabase.create(dir.resolve("cards.sqlite3.db"), 20, 3000, 11L);
        probe = new EventProbe(LocalStack.kafka().bootstrapServers());
        store = WorkerInfrastructure.objectStore();
    }

    @AfterAll
    static void stop() {
        probe.close();
        store.close();
    }

    static Artifact backup(String source, Instant at) {
        JobRequested request = BackupWorkerIT.request("backup-" + source, source, at);
        probe.send(Topics.REQUESTS_BACKUP, request.getJobName(), request);
        JobCompleted done = probe.awaitCompletion(request.getRunId(), WAIT);
        assertThat(done.getStatus()).as("%s", done).isEqualTo(JobStatus.SUCCEEDED);
        return done.getArtifacts().get(0);
    }

    /** {@code age -d -i key | <decompressor> > out}, then {@code sqlite3 out 'PRAGMA integrity_check'}. */
    static String integrityByHand(Path encrypted, Path key, String decompressor) throws Exception {
        Path restored = dir.resolve("by-hand-" + encrypted.getFileName() + "-" + key.getFileName() + ".db");
        AgeCli.run(null, null, "sh", "-c", "age -d -i '" + key + "' '" + encrypted + "' | " + decompressor + " > '" + restored + "'");
        return new String(AgeCli.run(null, null, "sqlite3", restored.toString(), "PRAGMA integrity_check"), StandardCharsets.UTF_8).strip();
    }

    static Path download(Artifact artifact) throws IOException {
        Path file = dir.resolve(artifact.getKey().substring(artifact.getKey().lastIndexOf('/') + 1));
        try (InputStream in = store.open(artifact.getKey())) {
            Files.copy(in, file);
        }
        return file;
    }

    @Test
    void anEncryptedGzipBackupIsNamedDescribedAndDecryptedByTheAgeCliWithEitherKey() throws Exception {
        Artifact artifact = backup("sealed", Instant.parse("2025-01-15T00:00:00Z"));
        assertThat(artifact.getKey()).isEqualTo("sealed-backups/cards-2025-01-15T00-00-00.000Z.sqlite3.db.gz.age");
        assertThat(artifact.getCompression()).isEqualTo("gzip");

        StoredObject stored = store.head(artifact.getKey()).orElseThrow();
        assertThat(stored.metadata()).containsEntry(BackupMetadata.ENCRYPTION, "age")
                .containsEntry(BackupMetadata.RECIPIENTS, BackupMetadata.fingerprint(oldRecipient) + "," + BackupMetadata.fingerprint(newRecipient))
                .containsEntry(BackupMetadata.SHA256, artifact.getSha256());
        assertThat(stored.metadata().values()).as("no key material in the metadata").noneMatch(v -> v.contains("age1"));
        Path file = download(artifact);
        try (InputStream in = Files.newInputStream(file)) {
            assertThat(Sha256.of(in).sha256()).as("the SHA-256 is of the stored (encrypted) bytes").isEqualTo(artifact.getSha256());
        }
        assertThat(Files.readString(file.resolveSibling(file.getFileName()), StandardCharsets.ISO_8859_1)).startsWith("age-encryption.org/v1\n");
        assertThat(store.head(artifact.getKey() + ".sha256")).isPresent();

        assertThat(integrityByHand(file, dir.resolve("old.txt"), "gunzip")).isEqualTo("ok");
        assertThat(integrityByHand(file, dir.resolve("new.txt"), "gunzip")).isEqualTo("ok");
    }

    @Test
    void anEncryptedZstdBackupDecryptsAndDecompressesByHand() throws Exception {
        Artifact artifact = backup("sealed-zstd", Instant.parse("2025-01-16T00:00:00Z"));
        assertThat(artifact.getKey()).endsWith(".sqlite3.db.zst.age");
        assertThat(integrityByHand(download(artifact), dir.resolve("new.txt"), "zstd -d -q")).isEqualTo("ok");
    }

    @Test
    void aSourceOverridesTheGlobalRecipients() throws Exception {
        Artifact artifact = backup("new-only", Instant.parse("2025-01-17T00:00:00Z"));
        assertThat(store.head(artifact.getKey()).orElseThrow().metadata())
                .containsEntry(BackupMetadata.RECIPIENTS, BackupMetadata.fingerprint(newRecipient));
        Path file = download(artifact);
        assertThat(integrityByHand(file, dir.resolve("new.txt"), "gunzip")).isEqualTo("ok");
    }

    static final ByteArrayOutputStream printed = new ByteArrayOutputStream();

    static Restorer restorer(String identityFile) {
        return new Restorer(new BackupCatalog(store), PostgresTools.defaults(), Clock.systemUTC(),
                Report.to(new PrintStream(printed, true, StandardCharsets.UTF_8)),
                Optional.ofNullable(identityFile).map(f -> AgeIdentity.load(dir.resolve(f))));
    }

    static Restorer.Result restore(String key, Path target, String identityFile) throws Exception {
        return restorer(identityFile).toSqlite(new BackupCatalog(store).find(key).orElseThrow(), target, false);
    }

    @Test
    void restoreDecryptsWithEitherIdentityThenRunsTheUsualChecks() throws Exception {
        Artifact artifact = backup("sealed", Instant.parse("2025-02-01T00:00:00Z"));
        Restorer.Result restored = restore(artifact.getKey(), dir.resolve("restored-old.db"), "old.txt");
        assertThat(restored.tables()).containsEntry("sets", 20L).containsEntry("pokemon_cards", 3000L);
        assertThat(printed.toString(StandardCharsets.UTF_8)).contains("encrypted with age").contains("Checksum OK")
                .contains("Snapshot checksum OK").contains("integrity_check: ok");
        assertThat(restore(artifact.getKey(), dir.resolve("restored-new.db"), "new.txt").tables()).containsEntry("pokemon_cards", 3000L);
    }

    @Test
    void aFileTheAgeCliEncryptedRestores() throws Exception {
        Path gz = dir.resolve("by-cli.sqlite3.db.gz");
        AgeCli.run(dir.resolve("cards.sqlite3.db"), gz, "gzip", "-c");
        Path encrypted = dir.resolve("by-cli.sqlite3.db.gz.age");
        AgeCli.run(gz, encrypted, "age", "-r", oldRecipient);
        byte[] bytes = Files.readAllBytes(encrypted);
        // stored by hand with its checksum alone: the key says it is gzip encrypted with age
        String key = "by-hand/cards-2025-03-01T00-00-00.000Z.sqlite3.db.gz.age";
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put(BackupMetadata.SHA256, Sha256.of(new java.io.ByteArrayInputStream(bytes)).sha256());
        store.putSmall(key, bytes, "application/octet-stream", metadata);

        assertThat(restore(key, dir.resolve("from-cli.db"), "old.txt").tables()).containsEntry("pokemon_cards", 3000L);
    }

    @Test
    void aMissingOrWrongIdentityFailsBeforeTheTargetNamingTheRecipients() throws Exception {
        Artifact artifact = backup("sealed", Instant.parse("2025-02-02T00:00:00Z"));
        Path target = dir.resolve("never.db");
        String fingerprints = BackupMetadata.fingerprint(oldRecipient) + ", " + BackupMetadata.fingerprint(newRecipient);

        assertThatThrownBy(() -> restore(artifact.getKey(), target, null)).isExactlyInstanceOf(RestoreException.class)
                .hasMessageContaining("encrypted with age to recipient(s) " + fingerprints).hasMessageContaining("--identity");
        assertThatThrownBy(() -> restore(artifact.getKey(), target, "stranger.txt")).isExactlyInstanceOf(RestoreException.class)
                .hasMessageContaining("recipient(s) " + fingerprints).hasMessageContaining("stranger.txt");
        assertThat(target).doesNotExist();
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith(".never.db"));
        }
    }

    @Test
    void tamperedOrTruncatedCiphertextIsABackupDefect() throws Exception {
        // altered in the bucket: the stored checksum no longer matches
        Artifact tampered = backup("sealed", Instant.parse("2025-02-03T00:00:00Z"));
        Path object = LocalStack.s3Server().storageRoot().resolve(store.bucket()).resolve(tampered.getKey());
        try (RandomAccessFile raf = new RandomAccessFile(object.toFile(), "rw")) {
            raf.seek(raf.length() / 2);
            int b = raf.read();
            raf.seek(raf.length() / 2);
            raf.write(b ^ 0x55);
        }
        assertThatThrownBy(() -> restore(tampered.getKey(), dir.resolve("t1.db"), "old.txt")).isInstanceOf(BackupDefectException.class)
                .hasMessageContaining("checksum mismatch");

        // written truncated, with a checksum of the truncated bytes: only age's authentication finds it
        Artifact whole = backup("sealed", Instant.parse("2025-02-04T00:00:00Z"));
        byte[] bytes;
        try (InputStream in = store.open(whole.getKey())) {
            bytes = in.readAllBytes();
        }
        byte[] cut = Arrays.copyOf(bytes, bytes.length - 100);
        String key = "sealed-backups/cards-2025-02-05T00-00-00.000Z.sqlite3.db.gz.age";
        Map<String, String> metadata = new LinkedHashMap<>(store.head(whole.getKey()).orElseThrow().metadata());
        metadata.put(BackupMetadata.SHA256, Sha256.of(new java.io.ByteArrayInputStream(cut)).sha256());
        store.putSmall(key, cut, "application/octet-stream", metadata);
        assertThatThrownBy(() -> restore(key, dir.resolve("t2.db"), "old.txt")).isInstanceOf(BackupDefectException.class)
                .hasMessageContaining("fail age authentication");
        assertThat(dir.resolve("t1.db")).doesNotExist();
        assertThat(dir.resolve("t2.db")).doesNotExist();
    }

    static JobCompleted verify(String series, String key) {
        Instant now = Instant.now();
        JobRequested request = JobRequested.newBuilder().setRunId("verify@" + UUID.randomUUID()).setJobName("verify-backups")
                .setJobType("VERIFY").setTrigger(Trigger.MANUAL).setScheduledFor(now).setRequestedAt(now)
                .setDeadline(now.plusSeconds(120)).setRequestedBy("test").setParameters(Map.of("series", series, "key", key)).build();
        probe.send(Topics.REQUESTS_VERIFY, request.getJobName(), request);
        return probe.awaitCompletion(request.getRunId(), WAIT);
    }

    @Test
    void withoutAnIdentityTheVerifyJobChecksChecksumAndHeaderAndRecordsEncryptedNotRestored() throws Exception {
        Artifact artifact = backup("sealed", Instant.parse("2025-04-01T00:00:00Z"));
        JobCompleted done = verify("sealed", artifact.getKey());
        assertThat(done.getStatus()).as("%s", done).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(done.getMessage()).contains("encrypted, not restored");
        VerifiedSidecar.Document sidecar = VerifiedSidecar.Document.fetch(store, artifact.getKey()).orElseThrow();
        assertThat(sidecar.outcome()).isEqualTo(VerifiedSidecar.ENCRYPTED_NOT_RESTORED);
        assertThat(sidecar.reason()).isEqualTo("encrypted, not restored");
        assertThat(sidecar.sha256()).isEqualTo(artifact.getSha256());
        VerifiedSidecar read = VerifiedSidecar.load(store, VerifiedSidecar.keyOf(artifact.getKey()));
        assertThat(read.notRestored()).isTrue();
        assertThat(read.ok()).isFalse();

        // damaged in the bucket: a failure, as for any backup
        Artifact damaged = backup("sealed", Instant.parse("2025-04-02T00:00:00Z"));
        Path object = LocalStack.s3Server().storageRoot().resolve(store.bucket()).resolve(damaged.getKey());
        try (RandomAccessFile raf = new RandomAccessFile(object.toFile(), "rw")) {
            raf.seek(raf.length() - 10);
            raf.write(0);
            raf.write(1);
        }
        JobCompleted failed = verify("sealed", damaged.getKey());
        assertThat(failed.getStatus()).isEqualTo(JobStatus.FAILED);
        assertThat(failed.getMessage()).contains("checksum mismatch");
        assertThat(VerifiedSidecar.load(store, VerifiedSidecar.keyOf(damaged.getKey())).outcome()).isEqualTo(VerifiedSidecar.FAILED);
    }

    @Test
    void withAnIdentityTheVerifierRestoresAndChecksAsForAnyBackup() throws Exception {
        Artifact artifact = backup("sealed", Instant.parse("2025-04-03T00:00:00Z"));
        Path temp = java.nio.file.Files.createDirectories(dir.resolve("verify-tmp"));
        try (InstanceFolder folder = InstanceFolder.create(temp, SpaceLedger.of(temp))) {
            BackupVerifier verifier = new BackupVerifier(new BackupCatalog(store), PostgresTools.defaults(), new BackupVerifier.Settings(folder,
                    0, Optional.empty(), "unused", 1L << 30, Optional.of(AgeIdentity.load(dir.resolve("new.txt")))), Clock.systemUTC());
            ByteArrayOutputStream lines = new ByteArrayOutputStream();
            VerificationRecord record = verifier.verify(new BackupCatalog(store).find(artifact.getKey()).orElseThrow(),
                    Report.to(new PrintStream(lines, true, StandardCharsets.UTF_8)));
            assertThat(record.isOk()).as(lines.toString(StandardCharsets.UTF_8)).isTrue();
            assertThat(record.tables()).containsEntry("pokemon_cards", 3000L);
            assertThat(lines.toString(StandardCharsets.UTF_8)).contains("integrity_check: ok");

            // the truncated copy, with a checksum of its own: authentication fails, a defect
            byte[] bytes;
            try (InputStream in = store.open(artifact.getKey())) {
                bytes = in.readAllBytes();
            }
            byte[] cut = Arrays.copyOf(bytes, bytes.length - 40);
            String key = "sealed-backups/cards-2025-04-04T00-00-00.000Z.sqlite3.db.gz.age";
            Map<String, String> metadata = new LinkedHashMap<>(store.head(artifact.getKey()).orElseThrow().metadata());
            metadata.put(BackupMetadata.SHA256, Sha256.of(new java.io.ByteArrayInputStream(cut)).sha256());
            store.putSmall(key, cut, "application/octet-stream", metadata);
            VerificationRecord truncated = verifier.verify(new BackupCatalog(store).find(key).orElseThrow(), Report.to(new PrintStream(lines, true)));
            assertThat(truncated.outcome()).isEqualTo(VerificationRecord.Outcome.FAILED);
            assertThat(truncated.reason()).contains("fail age authentication");
        }
    }
}
