package io.offsite.backup;

import io.offsite.backup.support.WorkerInfrastructure;
import static org.assertj.core.api.Assertions.assertThat;

import io.offsite.events.Topics;
import io.offsite.events.v1.JobCompleted;
import io.offsite.events.v1.JobRequested;
import io.offsite.events.v1.JobStatus;
import io.offsite.localstack.LocalStack;
import io.offsite.localstack.Ports;
import io.offsite.localstack.demo.DemoDatabase;
import io.offsite.localstack.kafka.EventProbe;
import io.offsite.localstack.postgres.PostgresEndpoint;
import io.offsite.worker.storage.ObjectStore;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** Failure paths of the backup worker, each ending in a clear FAILED without leaving anything behind. */
@SpringBootTest(classes = BackupWorkerApplication.class, webEnvironment = SpringBootTest.WebEnvironment.NONE,
        properties = {"spring.config.name=backup-worker", "offsite.backup.temp-reserve-bytes=1125899906842624"})
@DirtiesContext
class BackupFailuresIT {

    @TempDir
    static Path dir;

    static EventProbe probe;
    static ObjectStore store;

    /** PostgreSQL 17 binaries (unpacked by the build), to run a server newer than the machine's pg_dump. */
    static final Path NEWER_SERVER_BINARIES = Path.of("target/postgres-17/postgres-linux-x86_64.txz");
    static final int NEWER_SERVER_MAJOR = 17;
    static EmbeddedPostgres newerServer;

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) throws IOException {
        PostgresEndpoint pg = LocalStack.postgres();
        WorkerInfrastructure.register(registry, dir);
        registry.add("offsite.backup.sources.pokemon-data.path", () -> dir.resolve("pokemon-data.sqlite3.db").toString());
        registry.add("offsite.backup.postgres.host", pg::host);
        registry.add("offsite.backup.postgres.user", pg::user);
        WorkerInfrastructure.source(registry, "down", "postgres", "down", "down");
        registry.add("offsite.backup.sources.down.port", Ports::freePort);
        registry.add("offsite.backup.sources.down.databases", pg::database);
        WorkerInfrastructure.source(registry, "badpass", "postgres", "badpass", "badpass");
        registry.add("offsite.backup.sources.badpass.port", pg::port);
        registry.add("offsite.backup.sources.badpass.password", () -> "Wr0ng-Secret-Value");
        registry.add("offsite.backup.sources.badpass.databases", pg::database);
        WorkerInfrastructure.source(registry, "nodump", "postgres", "nodump", "nodump");
        registry.add("offsite.backup.sources.nodump.port", pg::port);
        registry.add("offsite.backup.sources.nodump.databases", pg::database);
        registry.add("offsite.backup.sources.nodump.pg-dump-path", () -> dir.resolve("bin/pg_dump").toString());
        if (Files.isRegularFile(NEWER_SERVER_BINARIES) && pgDumpMajor() < NEWER_SERVER_MAJOR) {
            newerServer = EmbeddedPostgres.builder()
                    .setPgBinaryResolver((system, machine) -> Files.newInputStream(NEWER_SERVER_BINARIES))
                    .setPort(Ports.freePort())
                    .setDataDirectory(dir.resolve("pg-newer"))
                    .setServerConfig("listen_addresses", Ports.LOOPBACK)
                    .setServerConfig("fsync", "off")
                    .start();
            WorkerInfrastructure.source(registry, "newer", "postgres", "newer", "newer");
            registry.add("offsite.backup.sources.newer.port", newerServer::getPort);
            registry.add("offsite.backup.sources.newer.user", () -> "postgres");
            registry.add("offsite.backup.sources.newer.databases", () -> "postgres");
                }
    }

    /** Major version of the pg_dump on the PATH, as it reports itself ("pg_dump (PostgreSQL) 15.18 ..."). */
    static int pgDumpMajor() throws IOException {
        Process p = new ProcessBuilder("pg_dump", "--version").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        Matcher m = Pattern.compile("\\) (\\d+)").matcher(out);
        if (!m.find()) {
            throw new IllegalStateException("cannot read the version of pg_dump from: " + out);
        }
        return Integer.parseInt(m.group(1));
    }

    @BeforeAll
    static void start() throws Exception {
        DemoDatabase.create(dir.resolve("pokemon-data.sqlite3.db"), 5, 200, 1L);
        probe = new EventProbe(LocalStack.kafka().bootstrapServers());
        store = WorkerInfrastructure.objectStore();
    }

    @AfterAll
    static void stop() throws IOException {
        probe.close();
        store.close();
        if (newerServer != null) {
            newerServer.close();
        }
    }

    JobCompleted run(String job, String source) {
        JobRequested request = BackupWorkerIT.request(job, source, BackupWorkerIT.uniqueInstant());
        probe.send(Topics.REQUESTS_BACKUP, request.getJobName(), request);
        return probe.awaitCompletion(request.getRunId(), BackupWorkerIT.WAIT);
    }

    @Test
    void diskTooSmallForTheSnapshotFailsBeforeAnythingIsWritten() throws Exception {
        JobCompleted done = run("backup-database", "pokemon-data");

        assertThat(done.getStatus()).isEqualTo(JobStatus.FAILED);
        assertThat(done.getError().getType()).isEqualTo("INSUFFICIENT_DISK_SPACE");
        assertThat(done.getError().getMessage()).contains("not enough free space").contains(dir.resolve("tmp").toString());
        assertThat(store.list("backup-database/")).noneMatch(o -> o.key().contains(done.getRunId().substring(done.getRunId().indexOf('@') + 1, 20)));
        assertThat(store.openUploads("_incoming/backup-database/")).isEmpty();
        assertThat(WorkerInfrastructure.tempLeftovers(dir)).isEmpty();
    }

    @Test
    void wrongPostgresPasswordFailsWithoutRetryAndWithoutThePassword() {
        JobCompleted done = run("backup-badpass", "badpass");
        assertThat(done.getStatus()).isEqualTo(JobStatus.FAILED);
        assertThat(done.getRetryable()).isFalse();
        assertThat(done.getError().getType()).isEqualTo("AUTHENTICATION_FAILED");
        assertThat(done.toString()).doesNotContain("Wr0ng-Secret-Value");
    }

    @Test
    void unreachablePostgresFailsRetryably() {
        JobCompleted done = run("backup-down", "down");
        assertFailedLeavingNothing(done, "POSTGRES_UNAVAILABLE", true, "down");
    }

    @Test
    void missingPgDumpFailsWithWhatToInstall() {
        JobCompleted done = run("backup-nodump", "nodump");

        assertFailedLeavingNothing(done, "PG_DUMP_MISSING", false, "nodump");
        assertThat(done.getError().getMessage()).contains(dir.resolve("bin/pg_dump").toString())
                .contains("Install the PostgreSQL client tools");
    }

    @Test
    void pgDumpOlderThanTheServerFailsWithBothVersions() {
        Assumptions.assumeTrue(newerServer != null, "needs " + NEWER_SERVER_BINARIES + " and a pg_dump older than "
                + NEWER_SERVER_MAJOR + " on the PATH");

        JobCompleted done = run("backup-newer", "newer");

        assertFailedLeavingNothing(done, "PG_DUMP_TOO_OLD", false, "newer");
        assertThat(done.getError().getMessage()).contains("pg_dump is older than the PostgreSQL server of source 'newer'")
                .contains("server version: " + NEWER_SERVER_MAJOR);
    }

    /** A FAILED completion of the given type, with no object and no open upload left in the series. */
    static void assertFailedLeavingNothing(JobCompleted done, String errorType, boolean retryable, String series) {
        assertThat(done.getStatus()).as("%s", done).isEqualTo(JobStatus.FAILED);
        assertThat(done.getRetryable()).isEqualTo(retryable);
        assertThat(done.getError().getType()).isEqualTo(errorType);
        assertThat(store.list(series + "/")).isEmpty();
        assertThat(store.openUploads("_incoming/" + series + "/")).isEmpty();
    }
}
