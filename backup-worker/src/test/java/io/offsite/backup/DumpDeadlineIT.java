package io.offsite.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.offsite.backup.support.WorkerInfrastructure;
import io.offsite.events.Topics;
import io.offsite.events.v1.JobCompleted;
import io.offsite.events.v1.JobRequested;
import io.offsite.events.v1.JobStatus;
import io.offsite.localstack.LocalStack;
import io.offsite.localstack.kafka.EventProbe;
import io.offsite.localstack.postgres.PostgresEndpoint;
import io.offsite.worker.storage.ObjectStore;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A PostgreSQL backup whose {@code pg_dump} waits for a table another session holds locked, through the whole worker:
 * the run ends TIMED_OUT shortly after its deadline, and neither {@code pg_dump} nor its session outlives it.
 */
@SpringBootTest(classes = BackupWorkerApplication.class, webEnvironment = SpringBootTest.WebEnvironment.NONE,
        properties = "spring.config.name=backup-worker")
@DirtiesContext
class DumpDeadlineIT {

    static final String DATABASE = "dump_deadline";

    @TempDir
    static Path dir;

    static EventProbe probe;
    static ObjectStore store;
    static PostgresEndpoint pg;

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        PostgresEndpoint server = LocalStack.postgres();
        WorkerInfrastructure.register(registry, dir);
        registry.add("offsite.backup.postgres.host", server::host);
        registry.add("offsite.backup.postgres.port", server::port);
        registry.add("offsite.backup.postgres.user", server::user);
        registry.add("offsite.backup.postgres.password", server::password);
        WorkerInfrastructure.source(registry, "locked", "postgres", "locked-backups", "locked");
        registry.add("offsite.backup.sources.locked.databases", () -> DATABASE);
    }

    @BeforeAll
    static void start() throws Exception {
        pg = LocalStack.freshPostgresDatabase(DATABASE);
        try (Connection c = pg.connect(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE orders (id serial PRIMARY KEY, note text)");
            s.execute("INSERT INTO orders (note) SELECT 'order ' || g FROM generate_series(1, 100) g");
        }
        probe = new EventProbe(LocalStack.kafka().bootstrapServers());
        store = WorkerInfrastructure.objectStore();
    }

    @AfterAll
    static void stop() {
        probe.close();
        store.close();
    }

    static List<ProcessHandle> dumpsLeft() {
        return ProcessHandle.current().descendants()
                .filter(p -> p.info().commandLine().map(c -> c.contains("pg_dump")).orElse(false))
                .toList();
    }

    static long dumpSessions(Connection observer) throws Exception {
        try (Statement s = observer.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_stat_activity WHERE datname = '"
                + DATABASE + "' AND application_name = 'offsite-backup'")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    void aDumpBlockedByALockedTableEndsTimedOutWithoutLeavingPgDumpOrItsSession() throws Exception {
        try (Connection observer = pg.connect(); Connection holder = pg.connect()) {
            holder.setAutoCommit(false);
            try (Statement s = holder.createStatement()) {
                s.execute("LOCK TABLE orders IN ACCESS EXCLUSIVE MODE");
            }
            Instant now = Instant.now();
            JobRequested request = JobRequested.newBuilder(BackupWorkerIT.request("backup-locked", "locked", BackupWorkerIT.uniqueInstant()))
                    .setDeadline(now.plusSeconds(4)).build();
            probe.send(Topics.REQUESTS_BACKUP, request.getJobName(), request);
            await().atMost(Duration.ofSeconds(20)).until(() -> dumpSessions(observer) == 1);

            JobCompleted done = probe.awaitCompletion(request.getRunId(), BackupWorkerIT.WAIT);

            assertThat(done.getStatus()).as("%s", done).isEqualTo(JobStatus.TIMED_OUT);
            assertThat(done.getFinishedAt()).isBefore(request.getDeadline().plusSeconds(10));
            assertThat(dumpsLeft()).as("pg_dump processes left").isEmpty();
            // a session closed a moment ago leaves pg_stat_activity a moment later; the lock is still held meanwhile
            await().atMost(Duration.ofSeconds(3)).pollInterval(Duration.ofMillis(50)).untilAsserted(() ->
                    assertThat(dumpSessions(observer)).as("pg_dump sessions left on the server").isZero());
            assertThat(store.list("locked-backups/")).as("nothing published").isEmpty();
            assertThat(store.openUploads("_incoming/locked-backups/")).as("no upload left open").isEmpty();
            assertThat(store.list("_incoming/locked-backups/")).as("no staging object left").isEmpty();
        }
    }
}
