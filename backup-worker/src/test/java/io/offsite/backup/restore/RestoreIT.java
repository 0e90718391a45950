package io.offsite.backup.restore;

import io.offsite.backup.catalog.BackupCatalog;
import io.offsite.backup.readback.BackupDefectException;
import io.offsite.backup.readback.CheckedDownload;
import io.offsite.backup.readback.PgConnection;
import io.offsite.backup.readback.PostgresTools;
import io.offsite.backup.readback.Report;
import io.offsite.backup.readback.RestoreException;
import io.offsite.worker.artifact.StoredBackup;
import io.offsite.backup.support.StoredObjects;
import io.offsite.backup.support.WorkerInfrastructure;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.offsite.backup.BackupWorkerApplication;
import io.offsite.backup.restore.Restorer.Selection;
import io.offsite.events.Topics;
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
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Backup → verify → restore on real infrastructure: the worker stores and verifies backups through Kafka, the
 * {@link Restorer} brings them back, and the restored data equals the source (row counts and a hash over every row).
 */
@SpringBootTest(classes = BackupWorkerApplication.class, webEnvironment = SpringBootTest.WebEnvironment.NONE,
        // these tests name backups after fixed dates in the past: widen the request window to reach them
        properties = {"spring.config.name=backup-worker", "offsite.worker.max-lag=36500d"})
@DirtiesContext
class RestoreIT {

    static final Duration WAIT = Duration.ofSeconds(90);
    static final Instant NOW = Instant.parse("2025-06-01T12:00:00Z");

    @TempDir
    static Path dir;

    static EventProbe probe;
    static ObjectStore store;
    static BackupCatalog catalog;
    static PostgresEndpoint source;
    static final ByteArrayOutputStream printed = new ByteArrayOutputStream();

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        PostgresEndpoint pg = LocalStack.postgres();
        WorkerInfrastructure.register(registry, dir);
        registry.add("offsite.backup.sources.pokemon-data.path", () -> dir.resolve("source.db").toString());
        registry.add("offsite.backup.sources.pokemon-data.series", () -> "restore-cards");
        WorkerInfrastructure.sqliteSource(registry, "future", dir.resolve("source.db"), "restore-future", "pokemon-data");
        WorkerInfrastructure.sqliteSource(registry, "modes", dir.resolve("source.db"), "restore-modes", "pokemon-data");
        registry.add("offsite.backup.postgres.host", pg::host);
        registry.add("offsite.backup.postgres.port", pg::port);
        registry.add("offsite.backup.postgres.user", pg::user);
        registry.add("offsite.backup.postgres.password", pg::password);
        for (String format : new String[] {"custom", "plain"}) {
            registry.add("offsite.backup.sources.shop-" + format + ".type", () -> "postgres");
            registry.add("offsite.backup.sources.shop-" + format + ".databases", () -> "restore_source");
            registry.add("offsite.backup.sources.shop-" + format + ".format", () -> format);
            registry.add("offsite.backup.sources.shop-" + format + ".series", () -> "restore-shop-" + format);
            registry.add("offsite.backup.sources.shop-" + format + ".file-prefix", () -> "shop");
        }
        registry.add("offsite.backup.sources.planted.type", () -> "postgres");
        registry.add("offsite.backup.sources.planted.databases", () -> "restore_source");
        registry.add("offsite.backup.sources.planted.format", () -> "plain");
        registry.add("offsite.backup.sources.planted.series", () -> "restore-planted");
        registry.add("offsite.backup.sources.planted.file-prefix", () -> "shop");
    }

    @BeforeAll
    static void start() throws Exception {
        DemoDatabase.create(dir.resolve("source.db"), 20, 3000, 21L);
        source = LocalStack.freshPostgresDatabase("restore_source");
        try (Connection c = source.connect(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE customers (id serial PRIMARY KEY, name text NOT NULL)");
            s.execute("CREATE TABLE orders (id serial PRIMARY KEY, customer_id int REFERENCES customers(id), total numeric(10,2), note text)");
            s.execute("INSERT INTO customers (name) SELECT 'customer ' || g FROM generate_series(1, 60) g");
            s.execute("INSERT INTO orders (customer_id, total, note) SELECT 1 + g % 60, g * 1.25, repeat('n', g % 30) FROM generate_series(1, 1500) g");
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

    static Restorer restorer() {
        return new Restorer(catalog, PostgresTools.defaults(), Clock.fixed(NOW, ZoneOffset.UTC),
                Report.to(new PrintStream(printed, true, StandardCharsets.UTF_8)));
    }

    static JobCompleted run(String type, String job, Map<String, String> parameters, Instant scheduledFor) {
        Instant now = Instant.now();
        JobRequested request = JobRequested.newBuilder().setRunId(job + "@" + scheduledFor + "-" + UUID.randomUUID()).setJobName(job)
                .setJobType(type).setTrigger(Trigger.MANUAL).setScheduledFor(scheduledFor).setRequestedAt(now)
                .setDeadline(now.plusSeconds(120)).setRequestedBy("test").setParameters(parameters).build();
        probe.send(Topics.JobType.valueOf(type).requestTopic(), job, request);
        JobCompleted done = probe.awaitCompletion(request.getRunId(), WAIT);
        return done;
    }

    static String backup(String source, Instant at) {
        JobCompleted done = run("BACKUP", "backup-" + source, Map.of("source", source), at);
        assertThat(done.getStatus()).as("%s", done).isEqualTo(JobStatus.SUCCEEDED);
        return done.getArtifacts().get(0).getKey();
    }

    static void verified(String series, String key) {
        JobCompleted done = run("VERIFY", "verify-backups", Map.of("series", series, "key", key), Instant.now());
        assertThat(done.getStatus()).as("%s", done).isEqualTo(JobStatus.SUCCEEDED);
    }

    @Test
    void sqliteBackupVerifiedAndRestoredEqualsTheSourceAndTheOldFileIsKept() throws Exception {
        String key = backup("pokemon-data", Instant.parse("2025-05-01T00:00:00Z"));
        verified("pokemon-data", key);
        Path target = dir.resolve("restored.db");

        Restorer.Result first = restorer().toSqlite(restorer().choose("restore-cards", new Selection.Key(key)), target, false);

        assertThat(first.backup().key()).isEqualTo(key);
        assertThat(first.safetyCopy()).isEmpty();
        assertThat(first.tables()).containsEntry("sets", 20L).containsEntry("pokemon_cards", 3000L);
        assertThat(sqliteDigest(target)).isEqualTo(sqliteDigest(dir.resolve("source.db")));
        assertThat(printed.toString(StandardCharsets.UTF_8)).contains("Checksum OK").contains("integrity_check: ok")
                .contains("Rows: sets=20, pokemon_cards=3000");

        // the restored copy changes; restoring again needs --force and keeps it as the safety copy
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + target); Statement s = c.createStatement()) {
            s.execute("DELETE FROM pokemon_cards WHERE rowid % 2 = 0");
        }
        Map<String, String> changed = sqliteDigest(target);
        StoredBackup latest = catalog.find(key).orElseThrow();
        assertThatThrownBy(() -> restorer().toSqlite(latest, target, false))
                .isInstanceOf(RestoreException.class).hasMessageContaining("exists: add --force");
        assertThat(sqliteDigest(target)).isEqualTo(changed);

        Restorer.Result second = restorer().toSqlite(latest, target, true);

        Path safety = dir.resolve("restored.db.pre-restore-2025-06-01T12-00-00.000Z");
        assertThat(second.safetyCopy()).contains(safety);
        assertThat(sqliteDigest(safety)).isEqualTo(changed);
        assertThat(sqliteDigest(target)).isEqualTo(sqliteDigest(dir.resolve("source.db")));
        assertThat(Files.list(dir).map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".tmp"));
    }

    @Test
    void damagedBackupIsRefusedAndTheTargetLeftUntouched() throws Exception {
        String key = backup("pokemon-data", Instant.parse("2025-05-02T00:00:00Z"));
        Path object = LocalStack.s3Server().storageRoot().resolve(store.bucket()).resolve(key);
        try (RandomAccessFile raf = new RandomAccessFile(object.toFile(), "rw")) {
            raf.seek(raf.length() / 3);
            int b = raf.read();
            raf.seek(raf.length() / 3);
            raf.write(b ^ 0x55);
        }
        Path target = dir.resolve("untouched.db");
        DemoDatabase.create(target, 3, 30, 5L);
        String before = fileSha256(target);

        assertThatThrownBy(() -> restorer().toSqlite(catalog.find(key).orElseThrow(), target, true))
                .isInstanceOf(BackupDefectException.class).hasMessageContaining("checksum mismatch").hasMessageContaining("use another backup");

        assertThat(fileSha256(target)).isEqualTo(before);
        assertThat(Files.list(dir).map(p -> p.getFileName().toString()))
                .noneMatch(n -> n.startsWith("untouched.db.pre-restore") || n.startsWith(".untouched.db"));
    }

    @Test
    void latestAndAsOfPassOverFutureDatedBackupsAndSaySo() {
        String key = backup("future", Instant.parse("2025-05-20T00:00:00Z"));
        String justAhead = "restore-future/pokemon-data-2025-06-01T12-05-00.001Z.sqlite3.db.gz";
        String forged = "restore-future/pokemon-data-9999-01-01T00-00-00.000Z.sqlite3.db.gz";
        StoredObjects.copy(store, key, justAhead);
        StoredObjects.copy(store, key, forged);
        printed.reset();

        assertThat(restorer().choose("restore-future", new Selection.Latest()).key()).isEqualTo(key);
        assertThat(printed.toString(StandardCharsets.UTF_8)).contains("2 future-dated backup(s) ignored (dated after 2025-06-01T12:05:00Z")
                .contains(forged).contains(justAhead);
        assertThat(restorer().choose("restore-future", new Selection.AsOf(Instant.parse("9999-12-31T00:00:00Z"))).key()).isEqualTo(key);
        // named by key, a future-dated backup is used
        assertThat(restorer().choose("restore-future", new Selection.Key(forged)).key()).isEqualTo(forged);
    }

    @Test
    void aBackupThatDecompressesBeyondItsRecordedSizeIsADefectAndLeavesNothingBehind() throws Exception {
        String bomb = "restore-bomb/pokemon-data-2025-05-25T00-00-00.000Z.sqlite3.db.gz";
        long stored = StoredObjects.putGzipBomb(store, bomb, 256L * 1024 * 1024, Map.of("source-bytes", "4096"));
        assertThat(stored).isLessThan(1024 * 1024);
        Path target = dir.resolve("bombed.db");
        DemoDatabase.create(target, 3, 30, 6L);
        String before = fileSha256(target);

        assertThatThrownBy(() -> restorer().toSqlite(catalog.find(bomb).orElseThrow(), target, true))
                .isInstanceOf(BackupDefectException.class).hasMessageContaining("decompresses to more than its recorded source-bytes (4096)")
                .hasMessageContaining("stopped after 4096 bytes");

        assertThat(fileSha256(target)).isEqualTo(before);
        assertThat(Files.list(dir).map(p -> p.getFileName().toString()))
                .noneMatch(n -> n.startsWith("bombed.db.pre-restore") || n.startsWith(".bombed.db"));
    }

    @Test
    void asOfPicksTheNewestBackupNotNewerThanTheInstant() {
        String series = "restore-cards";
        backup("pokemon-data", Instant.parse("2025-05-10T00:00:00Z"));
        String eleventh = backup("pokemon-data", Instant.parse("2025-05-11T00:00:00Z"));
        backup("pokemon-data", Instant.parse("2025-05-12T00:00:00Z"));

        assertThat(restorer().choose(series, new Selection.AsOf(Instant.parse("2025-05-11T23:59:59Z"))).key()).isEqualTo(eleventh);
        assertThat(restorer().choose(series, new Selection.AsOf(Instant.parse("2025-05-11T00:00:00Z"))).key()).isEqualTo(eleventh);
        assertThatThrownBy(() -> restorer().choose(series, new Selection.AsOf(Instant.parse("2024-01-01T00:00:00Z"))))
                .hasMessageContaining("no backup in 'restore-cards' was taken at or before 2024-01-01T00:00:00Z");
    }

    @Test
    void aDatabaseOpenByAnotherConnectionIsNotReplaced() throws Exception {
        String key = backup("pokemon-data", Instant.parse("2025-05-03T00:00:00Z"));
        Path target = dir.resolve("busy.db");
        DemoDatabase.create(target, 2, 10, 3L);
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + target); Statement s = c.createStatement()) {
            s.execute("PRAGMA journal_mode=WAL");
            s.execute("INSERT INTO sets (id, name) SELECT 'busy', 'Busy' WHERE 0");
            assertThatThrownBy(() -> restorer().toSqlite(catalog.find(key).orElseThrow(), target, true))
                    .isInstanceOf(RestoreException.class).hasMessageContaining("stop the application using it");
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + target); Statement s = c.createStatement()) {
            s.execute("PRAGMA journal_mode=DELETE");
            s.execute("BEGIN IMMEDIATE");
            s.execute("DELETE FROM sets WHERE 0");
            assertThatThrownBy(() -> restorer().toSqlite(catalog.find(key).orElseThrow(), target, true))
                    .isInstanceOf(RestoreException.class).hasMessageContaining("locked by another connection");
            s.execute("ROLLBACK");
        }
    }

    @Test
    void postgresDumpsRestoreIntoADatabaseEqualToTheSource() throws Exception {
        for (String format : new String[] {"custom", "plain"}) {
            String key = backup("shop-" + format, Instant.parse("2025-05-04T00:00:00Z"));
            verified("shop-" + format, key);
            PostgresEndpoint target = LocalStack.freshPostgresDatabase("restore_target_" + format);
            PgConnection connection = new PgConnection(target.host(), target.port(), target.database(), target.user(), target.password());

            Restorer.Result result = restorer().toPostgres(restorer().choose("restore-shop-" + format, new Selection.Latest()), connection,
                    dir, dir, false);

            assertThat(result.safetyCopy()).isEmpty();
            assertThat(result.tables()).containsEntry("orders", 1500L).containsEntry("customers", 60L);
            assertThat(pgDigest(target)).isEqualTo(pgDigest(source));

            // a second restore over the now non-empty database needs force and dumps it first
            StoredBackup latest = restorer().choose("restore-shop-" + format, new Selection.Latest());
            assertThatThrownBy(() -> restorer().toPostgres(latest, connection, dir, dir, false)).hasMessageContaining("add --force");
            try (Connection c = target.connect(); Statement s = c.createStatement()) {
                s.execute("DELETE FROM orders WHERE id > 1000");
            }
            Restorer.Result forced = restorer().toPostgres(latest, connection, dir, dir, true);
            assertThat(forced.safetyCopy()).hasValueSatisfying(p -> assertThat(p).exists()
                    .hasFileName("restore_target_" + format + ".pre-restore-2025-06-01T12-00-00.000Z.dump"));
            assertThat(mode(forced.safetyCopy().get())).as("the safety dump is the owner's alone").isEqualTo("rw-------");
            assertThat(pgDigest(target)).isEqualTo(pgDigest(source));
            Files.delete(forced.safetyCopy().get());
        }
    }

    static String mode(Path file) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(file, LinkOption.NOFOLLOW_LINKS));
    }

    @Test
    void theRestoredFileTakesTheModeOfTheOneItReplacesAndASymlinkIsFollowed() throws Exception {
        String key = backup("modes", Instant.parse("2025-05-05T00:00:00Z"));
        StoredBackup backup = catalog.find(key).orElseThrow();
        Path folder = Files.createDirectories(dir.resolve("modes"));

        // an owner-only original stays owner-only; a new file is owner-only
        Path secret = folder.resolve("secret.db");
        Files.copy(dir.resolve("source.db"), secret);
        Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-------"));
        restorer().toSqlite(backup, secret, true);
        assertThat(mode(secret)).isEqualTo("rw-------");
        Path fresh = folder.resolve("fresh.db");
        restorer().toSqlite(backup, fresh, false);
        assertThat(mode(fresh)).isEqualTo("rw-------");
        // a group-readable original stays group-readable (the mode is taken over, not reset)
        Path shared = folder.resolve("shared.db");
        Files.copy(dir.resolve("source.db"), shared);
        Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rw-r-----"));
        restorer().toSqlite(backup, shared, true);
        assertThat(mode(shared)).isEqualTo("rw-r-----");

        // a symlinked target: the real file is replaced, the link stays, the report names both
        Path real = Files.createDirectories(folder.resolve("real")).resolve("cards.db");
        Files.copy(dir.resolve("source.db"), real);
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + real); Statement s = c.createStatement()) {
            s.execute("DELETE FROM pokemon_cards");
        }
        Files.setPosixFilePermissions(real, PosixFilePermissions.fromString("rw-------"));
        Path link = Files.createSymbolicLink(folder.resolve("link.db"), real);
        printed.reset();

        Restorer.Result result = restorer().toSqlite(backup, link, true);

        assertThat(Files.isSymbolicLink(link)).isTrue();
        assertThat(Files.readSymbolicLink(link)).isEqualTo(real);
        assertThat(sqliteDigest(real)).isEqualTo(sqliteDigest(dir.resolve("source.db")));
        assertThat(mode(real)).isEqualTo("rw-------");
        assertThat(result.target()).isEqualTo(real.toString());
        assertThat(result.safetyCopy()).contains(real.resolveSibling("cards.db.pre-restore-2025-06-01T12-00-00.000Z"));
        assertThat(printed.toString(StandardCharsets.UTF_8)).contains("Restoring into " + real + " (via symlink " + link + ")");
        try (var files = Files.list(folder)) {
            assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".tmp"));
        }
    }

    @Test
    void aDownloadedSnapshotIsTheOwnersAloneFromItsCreation() throws Exception {
        String key = backup("modes", Instant.parse("2025-05-06T00:00:00Z"));
        Path file = dir.resolve("downloaded.tmp");
        CheckedDownload download = new CheckedDownload(store, Report.to(new PrintStream(printed, true, StandardCharsets.UTF_8)));

        download.fetch(catalog.head(catalog.find(key).orElseThrow()), file);

        // created 0600 (not chmod-ed later): under the usual umask a file created without a mode would be 0644
        assertThat(mode(file)).isEqualTo("rw-------");
        Files.delete(file);
    }

    @Test
    void aPlantedDumpWithAShellEscapeIsRefusedAndRunsNothing() throws Exception {
        String real = backup("planted", Instant.parse("2025-05-07T00:00:00Z"));
        String planted = real.replace("2025-05-07T00-00-00", "2025-05-08T00-00-00");
        Path pwned = dir.resolve("pwned-by-restore");
        StoredObjects.putSnapshot(store, planted, StoredObjects.plainDump("\\! touch " + pwned + "\n"));
        PostgresEndpoint target = LocalStack.freshPostgresDatabase("restore_planted");
        PgConnection connection = new PgConnection(target.host(), target.port(), target.database(), target.user(), target.password());

        assertThatThrownBy(() -> restorer().toPostgres(catalog.find(planted).orElseThrow(), connection, dir, dir, false))
                .isInstanceOf(BackupDefectException.class).hasMessageContaining("psql meta-command '\\! touch");

        assertThat(pwned).doesNotExist();
        assertThat(PostgresTools.rowCounts(connection)).as("nothing was restored").isEmpty();
    }

    /** Row count and a SHA-256 over every row of every table, in rowid order. */
    static Map<String, String> sqliteDigest(Path db) throws Exception {
        Map<String, String> digests = new LinkedHashMap<>();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement()) {
            for (String table : List.of("sets", "pokemon_cards")) {
                try (ResultSet rs = s.executeQuery("SELECT * FROM " + table + " ORDER BY rowid")) {
                    digests.put(table, rowsDigest(rs));
                }
            }
        }
        return digests;
    }

    static Map<String, String> pgDigest(PostgresEndpoint db) throws Exception {
        Map<String, String> digests = new LinkedHashMap<>();
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            for (String table : List.of("customers", "orders")) {
                try (ResultSet rs = s.executeQuery("SELECT * FROM " + table + " ORDER BY id")) {
                    digests.put(table, rowsDigest(rs));
                }
            }
        }
        return digests;
    }

    static String rowsDigest(ResultSet rs) throws Exception {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        ResultSetMetaData meta = rs.getMetaData();
        long rows = 0;
        while (rs.next()) {
            rows++;
            for (int i = 1; i <= meta.getColumnCount(); i++) {
                digest.update(String.valueOf(rs.getString(i)).getBytes(StandardCharsets.UTF_8));
                digest.update((byte) 0x1f);
            }
            digest.update((byte) 0x1e);
        }
        return rows + " rows, sha256 " + HexFormat.of().formatHex(digest.digest());
    }

    static String fileSha256(Path file) throws Exception {
        try (InputStream in = Files.newInputStream(file)) {
            return Sha256.of(in).sha256();
        }
    }
}
