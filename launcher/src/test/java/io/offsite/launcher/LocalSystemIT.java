package io.offsite.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.offsite.localstack.Ports;
import io.offsite.localstack.s3.S3Endpoint;
import io.offsite.worker.integrity.Sha256;
import io.offsite.worker.storage.ObjectStore;
import io.offsite.worker.storage.StorageProperties;
import io.offsite.worker.storage.StoredObject;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code offsite local} followed by {@code offsite run backup-database}: the first thing a newcomer does. */
class LocalSystemIT {

    @TempDir
    static Path data;

    static LocalOptions options;
    static LocalSystem system;

    @BeforeAll
    static void start() throws Exception {
        int http = Ports.freePort();
        options = new LocalOptions(data, Ports.freePort(), Ports.freePort(), Ports.freePort(), http, Ports.freePort(),
                Ports.freePort(), Ports.freePort(), false);
        system = new LocalSystem(options);
        system.start();
    }

    @AfterAll
    static void stop() {
        if (system != null) {
            system.close();
        }
    }

    @Test
    void runBackupDatabaseProducesAVerifiedBackup() throws Exception {
        assertThat(data.resolve("pokemon-data.sqlite3.db")).exists();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();

        int exit = new RunCommand(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8))
                .run(List.of("backup-database", "--timeout", "3m", "--api", "http://127.0.0.1:" + options.schedulerPort(),
                        "--kafka", options.bootstrapServers()));

        String printed = out.toString(StandardCharsets.UTF_8);
        assertThat(exit).as("exit code; stdout %s stderr %s", printed, err).isZero();
        assertThat(printed).contains("backup-database attempt 1: SUCCEEDED");
        String key = printed.lines().filter(l -> l.contains("s3://offsite-backups/")).findFirst().orElseThrow()
                .replaceAll(".*s3://offsite-backups/(\\S+).*", "$1");
        assertThat(key).matches("backup-database/pokemon-data-\\d{4}-\\d{2}-\\d{2}T\\d{2}-\\d{2}-\\d{2}\\.\\d{3}Z\\.sqlite3\\.db\\.gz");

        try (ObjectStore store = new ObjectStore(StorageProperties.of(URI.create(options.s3Endpoint()),
                S3Endpoint.DEFAULT_ACCESS_KEY, S3Endpoint.DEFAULT_SECRET_KEY, S3Endpoint.DEFAULT_BUCKET))) {
            StoredObject stored = store.head(key).orElseThrow();
            try (InputStream in = store.open(key)) {
                assertThat(Sha256.of(in).sha256()).isEqualTo(stored.metadata().get("sha256"));
            }
            Path restored = data.resolve("restored.db");
            try (InputStream in = new GZIPInputStream(store.open(key))) {
                Files.copy(in, restored);
            }
            try (InputStream in = Files.newInputStream(restored)) {
                assertThat(Sha256.of(in).sha256()).isEqualTo(stored.metadata().get("source-sha256"));
            }
            try (var c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + restored); var s = c.createStatement();
                 var rs = s.executeQuery("PRAGMA integrity_check")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo("ok");
            }
            try (var c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + restored); var s = c.createStatement();
                 var rs = s.executeQuery("SELECT count(*) FROM pokemon_cards")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getLong(1)).isEqualTo(15_000);
            }
        }
    }

    @Test
    void unknownJobIsAnsweredClearly() throws Exception {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = OffsiteCli.run(List.of("run", "no-such-job", "--api", "http://127.0.0.1:" + options.schedulerPort(),
                "--kafka", options.bootstrapServers()), new PrintStream(new ByteArrayOutputStream()), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(exit).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("no-such-job").contains("404");
    }

    @Test
    void secondSystemOnTheSamePortsSaysWhatToDo() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        LocalSystem second = new LocalSystem(options);
        try {
            second.start();
            throw new AssertionError("a second system started on ports in use");
        } catch (Exception e) {
            assertThat(OffsiteCli.rootMessage(e)).contains("port is in use").contains("--kafka-port");
        } finally {
            second.close();
        }
        assertThat(err.size()).isZero();
    }
}
