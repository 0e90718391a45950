package io.offsite.replication.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.offsite.events.v1.JobCompleted;
import io.offsite.events.v1.JobRequested;
import io.offsite.events.v1.JobStatus;
import io.offsite.localstack.LocalStack;
import io.offsite.localstack.demo.DemoDatabase;
import io.offsite.localstack.postgres.PostgresEndpoint;
import io.offsite.replication.config.ReplicationProperties;
import io.offsite.replication.postgres.PostgresSettings;
import io.offsite.replication.postgres.PostgresTarget;
import io.offsite.replication.run.EngineSettings;
import io.offsite.replication.run.Mode;
import io.offsite.replication.run.Replicator;
import io.offsite.replication.run.SourceSpec;
import io.offsite.replication.support.Listeners;
import io.offsite.replication.support.Requests;
import io.offsite.replication.support.Tables;
import io.offsite.worker.settings.WorkerProperties;
import io.offsite.worker.runtime.JobRunner;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs blocked by a table lock another session holds, on a real PostgreSQL server: the deadline (or the lock timeout)
 * ends them, and none leaves its session behind on the server — not even as the connection kept for the next run.
 */
@Timeout(120)
class DeadlineIT {

    static final String APPLICATION = "offsite-replication";

    @TempDir
    Path dir;

    Path db;
    PostgresEndpoint pg;

    @BeforeEach
    void setUp() throws Exception {
        db = dir.resolve("pokemon-data.sqlite3.db");
        DemoDatabase.create(db, 10, 500, 5L);
        pg = LocalStack.freshPostgresDatabase("repl_deadline");
        // a first run creates the tables, as the target of a scheduled replication holds them
        try (PostgresTarget target = new PostgresTarget(PostgresSettings.of(pg.host(), pg.port(), pg.database(), pg.user(), pg.password()))) {
            new Replicator(target, EngineSettings.defaults(), Clock.systemUTC())
                    .replicate(spec(), Mode.FULL, "setup", Listeners.quiet());
        }
    }

    SourceSpec spec() {
        return new SourceSpec("pokemon-data", db, List.of(), Optional.of("updated_at"), false, "public", Map.of());
    }

    /** Another session (the test's own, superuser) that holds {@code LOCK TABLE sets IN ACCESS EXCLUSIVE MODE} until closed. */
    Connection lockSets() throws Exception {
        Connection holder = pg.connect();
        holder.setAutoCommit(false);
        Tables.execute(holder, "LOCK TABLE sets IN ACCESS EXCLUSIVE MODE");
        return holder;
    }

    /** Sessions of the worker on the test database (the lock holder is the test's own). */
    long workerSessions(Connection observer) throws Exception {
        return Tables.count(observer, "SELECT count(*) FROM pg_stat_activity WHERE datname = '" + pg.database()
                + "' AND application_name = '" + APPLICATION + "' AND pid <> pg_backend_pid()");
    }

    /** Waits briefly for a session's end to show (a closed backend leaves pg_stat_activity a moment later). */
    void assertNoWorkerSession(Connection observer) {
        await().atMost(Duration.ofSeconds(3)).pollInterval(Duration.ofMillis(50)).untilAsserted(() ->
                assertThat(workerSessions(observer)).as("worker sessions left on the server").isZero());
    }

    ReplicationProperties properties(Duration lockTimeout) {
        return properties(null, lockTimeout);
    }

    ReplicationProperties properties(Duration statementTimeout, Duration lockTimeout) {
        ReplicationProperties.Postgres postgres = new ReplicationProperties.Postgres(null, pg.host(), pg.port(), pg.database(), pg.user(),
                pg.password(), null, statementTimeout, lockTimeout);
        // keep-idle 2 minutes: a clean run's connection would stay; a stopped one must not
        return new ReplicationProperties(postgres, 100, 10, null, 5, null, null, Duration.ofMinutes(2),
                Map.of("pokemon-data", new ReplicationProperties.Source(db, List.of(), "updated_at", Mode.FULL, false, null, Map.of())));
    }

    /** One request through the job runtime (minus Kafka); the worker's kept connections are checked before it stops. */
    JobCompleted run(ReplicationProperties properties, Instant deadline, Connection observer) throws Exception {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        ReplicationJobHandler handler = new ReplicationJobHandler(properties, new ReplicationMetrics(meters));
        JobRunner runner = new JobRunner(handler, (topic, key, event) -> { }, Clock.systemUTC(), "test-worker",
                new WorkerProperties(null, 0, null, null, Duration.ofSeconds(30), null, null, 0), meters);
        try {
            JobRequested request = JobRequested.newBuilder(Requests.replication("replicate-to-primary", Map.of("source", "pokemon-data")))
                    .setDeadline(deadline).build();
            JobCompleted done = runner.process(request);
            assertNoWorkerSession(observer);
            return done;
        } finally {
            runner.shutdown();
            handler.destroy();
        }
    }

    @Test
    void aRunBlockedOnALockedTableEndsAtItsDeadlineAndLeavesNoSession() throws Exception {
        try (Connection observer = pg.connect(); Connection holder = lockSets()) {
            Instant started = Instant.now();
            Instant deadline = started.plusSeconds(3);

            JobCompleted done = run(properties(null), deadline, observer);

            assertThat(Duration.between(started, Instant.now())).isLessThan(Duration.ofSeconds(3 + 10));
            // the lock timeout is capped at the deadline, so either may end the wait; both say what happened
            if (done.getStatus() == JobStatus.TIMED_OUT) {
                assertThat(done.getError().getType()).isEqualTo("DEADLINE_EXCEEDED");
            } else {
                assertThat(done.getStatus()).as("%s", done).isEqualTo(JobStatus.FAILED);
                assertThat(done.getError().getType()).isEqualTo("LOCK_TIMEOUT");
            }
            assertThat(Tables.count(observer, "SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid"
                    + " WHERE NOT l.granted AND a.application_name = '" + APPLICATION + "'")).as("lock waits left").isZero();
        }
    }

    @Test
    void aShorterLockTimeoutFailsTheRunRetryablyWithTheReason() throws Exception {
        try (Connection observer = pg.connect(); Connection holder = lockSets()) {
            Instant started = Instant.now();

            JobCompleted done = run(properties(Duration.ofSeconds(1)), started.plusSeconds(60), observer);

            assertThat(done.getStatus()).as("%s", done).isEqualTo(JobStatus.FAILED);
            assertThat(done.getRetryable()).isTrue();
            assertThat(done.getError().getType()).isEqualTo("LOCK_TIMEOUT");
            assertThat(done.getError().getMessage()).contains("lock").contains("lock-timeout PT1S");
            assertThat(Duration.between(started, Instant.now())).isLessThan(Duration.ofSeconds(10));
        }
    }

    @Test
    void aStatementPastTheStatementTimeoutFailsTheRunRetryablyWithTheReason() throws Exception {
        // a slow target: every write to sets waits five seconds in a trigger, as a busy or misconfigured server would
        try (Connection admin = pg.connect()) {
            Tables.execute(admin, "CREATE FUNCTION slow_write() RETURNS trigger LANGUAGE plpgsql AS "
                    + "$$ BEGIN PERFORM pg_sleep(5); RETURN NULL; END $$");
            Tables.execute(admin, "CREATE TRIGGER slow_sets AFTER INSERT OR UPDATE ON sets FOR EACH STATEMENT EXECUTE FUNCTION slow_write()");
        }
        try (var sqlite = java.sql.DriverManager.getConnection("jdbc:sqlite:" + db); var s = sqlite.createStatement()) {
            s.executeUpdate("UPDATE sets SET name = name || ' (changed)'"); // something to send
        }
        try (Connection observer = pg.connect()) {
            Instant started = Instant.now();

            JobCompleted done = run(properties(Duration.ofSeconds(1), null), started.plusSeconds(60), observer);

            assertThat(done.getStatus()).as("%s", done).isEqualTo(JobStatus.FAILED);
            assertThat(done.getRetryable()).isTrue();
            assertThat(done.getError().getType()).isEqualTo("STATEMENT_TIMEOUT");
            assertThat(done.getError().getMessage()).contains("statement-timeout PT1S");
            assertThat(Duration.between(started, Instant.now())).isLessThan(Duration.ofSeconds(10));
        }
    }

    @Test
    void anInterruptCancelsTheBlockedStatementAndTheConnectionIsNotKept() throws Exception {
        try (Connection observer = pg.connect(); Connection holder = lockSets();
             PostgresTarget target = new PostgresTarget(PostgresSettings.of(pg.host(), pg.port(), pg.database(), pg.user(), pg.password()),
                     Duration.ofMinutes(5))) {
            Replicator replicator = new Replicator(target, EngineSettings.defaults(), Clock.systemUTC());
            CompletableFuture<Throwable> ended = new CompletableFuture<>();
            // no deadline: the server's timeouts are 10 and 1 minutes, so only the interrupt can end the wait
            Thread run = new Thread(() -> {
                try {
                    replicator.replicate(spec(), Mode.FULL, "blocked", Optional.empty(), Listeners.quiet());
                    ended.complete(null);
                } catch (Throwable e) {
                    ended.complete(e);
                }
            });
            run.start();
            await().atMost(Duration.ofSeconds(10)).until(() -> Tables.count(observer, "SELECT count(*) FROM pg_stat_activity WHERE datname = '"
                    + pg.database() + "' AND application_name = '" + APPLICATION + "' AND wait_event_type = 'Lock'") == 1);

            long interruptedAt = System.nanoTime();
            run.interrupt();
            Throwable failure = ended.get(10, TimeUnit.SECONDS);

            assertThat(failure).isInstanceOf(InterruptedException.class);
            assertThat(Duration.ofNanos(System.nanoTime() - interruptedAt)).isLessThan(Duration.ofSeconds(2));
            assertNoWorkerSession(observer);
            holder.rollback();

            // the target kept nothing: the next run connects anew and succeeds
            assertThat(replicator.replicate(spec(), Mode.FULL, "next", Listeners.quiet()).complete()).isTrue();
        }
    }

    @Test
    void timeoutsAreCappedByWhatTheRunHasLeft() throws Exception {
        PostgresSettings settings = PostgresSettings.of(pg.host(), pg.port(), pg.database(), pg.user(), pg.password());
        try (PostgresTarget target = new PostgresTarget(settings)) {
            Connection unlimited = target.connect(Optional.empty());
            assertThat(Tables.string(unlimited, "SHOW statement_timeout")).isEqualTo("10min");
            assertThat(Tables.string(unlimited, "SHOW lock_timeout")).isEqualTo("1min");
            unlimited.close();
            Connection capped = target.connect(Optional.of(Duration.ofSeconds(42)));
            assertThat(Tables.string(capped, "SHOW statement_timeout")).isEqualTo("42s");
            assertThat(Tables.string(capped, "SHOW lock_timeout")).isEqualTo("42s");
            assertThat(capped.getNetworkTimeout()).isEqualTo(42_000 + 30_000);
            capped.close();
        }
        assertThatThrownBy(() -> settings.withTimeouts(Duration.ZERO, Duration.ofSeconds(1))).isInstanceOf(IllegalArgumentException.class);
    }
}
