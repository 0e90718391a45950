package io.offsite.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.offsite.backup.catalog.BackupCatalog;
import io.offsite.backup.readback.SnapshotKind;
import io.offsite.backup.catalog.VerificationRecord;
import io.offsite.localstack.LocalStack;
import io.offsite.localstack.demo.DemoDatabase;
import io.offsite.localstack.s3.S3Endpoint;
import io.offsite.worker.integrity.Sha256;
import io.offsite.worker.storage.ObjectStore;
import io.offsite.worker.storage.StorageProperties;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code offsite restore} and {@code offsite backups} against a real S3 API holding backups laid out as the worker stores them. */
class RestoreCommandIT {

    static final Instant NOW = Instant.parse("2025-01-04T06:00:00Z");

    @TempDir
    static Path dir;

    static ObjectStore store;
    static Map<String, String> env;

    @BeforeAll
    static void start() throws Exception {
        S3Endpoint s3 = LocalStack.s3();
        env = Map.of("S3_ENDPOINT", s3.endpoint().toString(), "S3_ACCESS_KEY", s3.accessKey(), "S3_SECRET_KEY", s3.secretKey(),
                "S3_BUCKET", s3.bucket());
        store = new ObjectStore(StorageProperties.of(s3.endpoint(), s3.accessKey(), s3.secretKey(), s3.bucket()));
        for (int day = 1; day <= 3; day++) {
            store(Instant.parse("2025-01-0" + day + "T00:00:00Z"), 10 * day, false);
        }
        store(Instant.parse("2025-01-01T00:00:00Z"), 5, true);
    }

    @AfterAll
    static void stop() {
        store.close();
    }

    /** Stores a gzip-compressed demo database with the worker's metadata and sidecar; {@code damaged} records a wrong checksum. */
    static String store(Instant at, int cards, boolean damaged) throws Exception {
        String series = damaged ? "cli-damaged" : "cli-cards";
        Path db = dir.resolve("fixture-" + series + "-" + cards + ".db");
        DemoDatabase.create(db, 2, cards, cards);
        byte[] snapshot = Files.readAllBytes(db);
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
            out.write(snapshot);
        }
        byte[] stored = gz.toByteArray();
        String sha = Sha256.of(new ByteArrayInputStream(stored)).sha256();
        String key = series + "/pokemon-data-" + io.offsite.worker.artifact.BackupNames.stamp(at) + ".sqlite3.db.gz";
        store.putSmall(key, stored, "application/gzip", Map.of(
                "sha256", damaged ? sha.replace(sha.charAt(0), sha.charAt(0) == 'a' ? 'b' : 'a') : sha,
                "source-sha256", Sha256.of(new ByteArrayInputStream(snapshot)).sha256(),
                "source-bytes", Long.toString(snapshot.length), "compression", "gzip", "run-id", "fixture", "source", "pokemon-data",
                "created-at", at.toString()));
        return key;
    }

    record Run(int exit, String out, String err) {
    }

    static Run restore(String... args) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = new RestoreCommand(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                env, Clock.fixed(NOW, ZoneOffset.UTC)).run(List.of(args));
        return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    static Run backups(String... args) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = new BackupsCommand(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                env, Clock.fixed(NOW, ZoneOffset.UTC)).run(List.of(args));
        return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    static long cards(Path db) throws Exception {
        try (var c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM pokemon_cards")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    void asOfRestoresTheNewestBackupNotNewerThanTheInstantAndForceKeepsASafetyCopy() throws Exception {
        Path target = dir.resolve("as-of.db");

        Run first = restore("--series", "cli-cards", "--as-of", "2025-01-02T23:59:59Z", "--to", target.toString());

        assertThat(first.exit()).as("%s", first).isZero();
        assertThat(first.out()).contains("cli-cards/pokemon-data-2025-01-02T00-00-00.000Z.sqlite3.db.gz").contains("Checksum OK")
                .contains("integrity_check: ok").contains("pokemon_cards=20");
        assertThat(cards(target)).isEqualTo(20);

        Run refused = restore("--series", "cli-cards", "--latest", "--to", target.toString());
        assertThat(refused.exit()).isEqualTo(1);
        assertThat(refused.err()).contains("exists: add --force");
        assertThat(cards(target)).isEqualTo(20);

        Run forced = restore("--series", "cli-cards", "--latest", "--to", target.toString(), "--force");
        assertThat(forced.exit()).as("%s", forced).isZero();
        assertThat(cards(target)).isEqualTo(30);
        Path safety = dir.resolve("as-of.db.pre-restore-2025-01-04T06-00-00.000Z");
        assertThat(forced.out()).contains("Kept the current database as " + safety);
        assertThat(cards(safety)).isEqualTo(20);
    }

    @Test
    void aBackupWhoseChecksumDoesNotMatchIsRefusedAndTheTargetKept() throws Exception {
        Path target = dir.resolve("kept.db");
        DemoDatabase.create(target, 1, 7, 1L);
        byte[] before = Files.readAllBytes(target);

        Run run = restore("--series", "cli-damaged", "--to", target.toString(), "--force");

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.err()).startsWith("offsite restore: checksum mismatch").contains("use another backup");
        assertThat(Files.readAllBytes(target)).isEqualTo(before);
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith("kept.db.pre-restore") || n.startsWith(".kept.db"));
        }
    }

    @Test
    void unknownSeriesAndBadCommandLinesSayWhatToDo() throws Exception {
        Run unknown = restore("--series", "no-such-series", "--to", dir.resolve("x.db").toString());
        assertThat(unknown.exit()).isEqualTo(1);
        assertThat(unknown.err()).contains("no backups in 'no-such-series'").contains("offsite backups");
        assertThatThrownBy(() -> restore("--latest")).isInstanceOf(UsageException.class).hasMessageContaining("--to PATH");
        assertThatThrownBy(() -> restore("--to", "a.db", "--to-postgres", "jdbc:postgresql://127.0.0.1/x")).isInstanceOf(UsageException.class);
        assertThatThrownBy(() -> restore("--key", "k", "--latest", "--to", "a.db")).hasMessageContaining("one of --key, --latest and --as-of");
        assertThatThrownBy(() -> restore("--as-of", "yesterday", "--to", "a.db")).hasMessageContaining("2025-01-15T00:00:00Z");
        assertThatThrownBy(() -> restore("--to-postgres", "postgres://x")).hasMessageContaining("jdbc:postgresql://");
    }

    @Test
    void aPasswordInTheUrlIsWarnedAboutAndAPasswordFileIsRead() throws Exception {
        Run inUrl = restore("--series", "no-such-series", "--to-postgres", "jdbc:postgresql://127.0.0.1:1/x?user=u&password=visible");
        assertThat(inUrl.err()).contains("warning: the password in the --to-postgres URL is visible to other users in ps")
                .contains("--password-file");

        Path passwordFile = dir.resolve("password");
        Files.writeString(passwordFile, "from-the-file\n");
        Run fromFile = restore("--series", "no-such-series", "--to-postgres", "jdbc:postgresql://127.0.0.1:1/x?user=u",
                "--password-file", passwordFile.toString());
        assertThat(fromFile.err()).doesNotContain("warning");
        assertThatThrownBy(() -> restore("--to-postgres", "jdbc:postgresql://127.0.0.1:1/x?password=p", "--password-file", passwordFile.toString()))
                .isInstanceOf(UsageException.class).hasMessageContaining("give the password once");
        assertThat(RestoreCommand.defaultSafetyDir(Map.of("HOME", "/home/me"))).isEqualTo(Path.of("/home/me/.local/state/offsite/safety"));
        assertThat(RestoreCommand.defaultSafetyDir(Map.of("XDG_STATE_HOME", "/state"))).isEqualTo(Path.of("/state/offsite/safety"));
    }

    @Test
    void backupsListsSizeAgeChecksumAndVerificationState() throws Exception {
        String key = "cli-cards/pokemon-data-2025-01-03T00-00-00.000Z.sqlite3.db.gz";
        new BackupCatalog(store).record(VerificationRecord.ok(key, Instant.parse("2025-01-03T02:00:00Z"), "0".repeat(64), "1".repeat(64),
                SnapshotKind.SQLITE, Map.of("pokemon_cards", 30L)));

        Run run = backups("--series", "cli-cards");

        assertThat(run.exit()).as("%s", run).isZero();
        List<String> lines = run.out().lines().toList();
        assertThat(lines.get(0)).isEqualTo("cli-cards/");
        assertThat(lines).anySatisfy(l -> assertThat(l).contains("pokemon-data-2025-01-03T00-00-00.000Z.sqlite3.db.gz").contains("1d 6h")
                .contains("OK 2025-01-03T02:00:00Z"));
        assertThat(lines).anySatisfy(l -> assertThat(l).contains("pokemon-data-2025-01-01T00-00-00.000Z.sqlite3.db.gz").contains("3d 6h")
                .contains("never"));
        assertThat(lines.get(lines.size() - 1)).isEqualTo("3 backup(s)");
        assertThat(run.out()).doesNotContain(".verified").doesNotContain("cli-damaged");
    }

    /** A new identity written by Debian's age-keygen (package age); returns its recipient. */
    static String keygen(Path file) throws Exception {
        Process p = new ProcessBuilder("age-keygen", "-o", file.toString()).redirectErrorStream(true).start();
        assertThat(p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("age-keygen (Debian package age)").isZero();
        return Files.readAllLines(file).stream().filter(l -> l.startsWith("# public key: ")).findFirst().orElseThrow()
                .substring("# public key: ".length()).strip();
    }

    @Test
    void anEncryptedBackupRestoresWithItsIdentityAndIsRefusedWithoutNamingItsRecipients() throws Exception {
        Path identity = dir.resolve("identity.txt");
        String recipient = keygen(identity);
        Path stranger = dir.resolve("stranger.txt");
        keygen(stranger);
        Path db = dir.resolve("fixture-sealed.db");
        DemoDatabase.create(db, 2, 40, 40L);
        byte[] snapshot = Files.readAllBytes(db);
        ByteArrayOutputStream sealed = new ByteArrayOutputStream();
        try (java.io.OutputStream out = new GZIPOutputStream(io.offsite.backup.crypt.AgeRecipients.of(List.of(recipient)).encrypt(sealed))) {
            out.write(snapshot);
        }
        byte[] stored = sealed.toByteArray();
        String key = "cli-sealed/pokemon-data-2025-01-03T00-00-00.000Z.sqlite3.db.gz.age";
        Map<String, String> metadata = io.offsite.worker.artifact.BackupMetadata.encrypted(io.offsite.worker.artifact.BackupMetadata.ofBackup(
                Sha256.of(new ByteArrayInputStream(stored)).sha256(), Sha256.of(new ByteArrayInputStream(snapshot)).sha256(), snapshot.length,
                "gzip", "fixture", "pokemon-data", Instant.parse("2025-01-03T00:00:00Z")), List.of(recipient));
        store.putSmall(key, stored, "application/octet-stream", metadata);
        String fingerprint = io.offsite.worker.artifact.BackupMetadata.fingerprint(recipient);

        Path target = dir.resolve("sealed.db");
        Run missing = restore("--series", "cli-sealed", "--to", target.toString());
        assertThat(missing.exit()).isEqualTo(1);
        assertThat(missing.err()).contains("encrypted with age to recipient(s) " + fingerprint).contains("--identity FILE");
        Run wrong = restore("--series", "cli-sealed", "--to", target.toString(), "--identity", stranger.toString());
        assertThat(wrong.exit()).isEqualTo(1);
        assertThat(wrong.err()).contains(fingerprint).contains("stranger.txt");
        assertThat(target).doesNotExist();
        assertThatThrownBy(() -> restore("--series", "cli-sealed", "--to", target.toString(), "--identity", dir.resolve("nope.txt").toString()))
                .isInstanceOf(UsageException.class).hasMessageContaining("does not exist");

        Run restored = restore("--series", "cli-sealed", "--to", target.toString(), "--identity", identity.toString());
        assertThat(restored.exit()).as("%s", restored).isZero();
        assertThat(restored.out()).contains("encrypted with age").contains("integrity_check: ok");
        assertThat(cards(target)).isEqualTo(40);

        Map<String, String> withEnv = new java.util.HashMap<>(env);
        withEnv.put(RestoreCommand.IDENTITY_ENV, identity.toString());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int exit = new RestoreCommand(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(new ByteArrayOutputStream(), true,
                StandardCharsets.UTF_8), withEnv, Clock.fixed(NOW, ZoneOffset.UTC)).run(List.of("--series", "cli-sealed", "--to",
                dir.resolve("sealed-env.db").toString()));
        assertThat(exit).isZero();
        assertThat(cards(dir.resolve("sealed-env.db"))).isEqualTo(40);

        Run listed = backups("--series", "cli-sealed");
        assertThat(listed.out().lines().toList()).anySatisfy(l -> assertThat(l).contains("ENCRYPTED"))
                .anySatisfy(l -> assertThat(l).contains("sqlite3.db.gz.age").contains(" age "));
        Run clear = backups("--series", "cli-cards");
        assertThat(clear.out().lines().filter(l -> l.contains(".sqlite3.db.gz")).toList()).allSatisfy(l -> assertThat(l).doesNotContain(" age "));
    }
}
