package io.offsite.replication.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.offsite.localstack.LocalStack;
import io.offsite.localstack.demo.DemoDatabase;
import io.offsite.localstack.postgres.PostgresEndpoint;
import io.offsite.replication.failure.ReplicationException;
import io.offsite.replication.run.EngineSettings;
import io.offsite.replication.run.Mode;
import io.offsite.replication.run.ReplicationReport;
import io.offsite.replication.run.Replicator;
import io.offsite.replication.run.SourceSpec;
import io.offsite.replication.support.Listeners;
import io.offsite.replication.support.Tables;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The connection kept between runs, against a real PostgreSQL server. */
@Timeout(120)
class PostgresTargetIT {

    @TempDir
    Path dir;

    static PostgresTarget target(PostgresEndpoint pg, Duration keepIdle) {
        return new PostgresTarget(PostgresSettings.of(pg.host(), pg.port(), pg.database(), pg.user(), pg.password()), keepIdle);
    }

    static long backendPid(Connection c) throws SQLException {
        return Tables.count(c, "SELECT pg_backend_pid()");
    }

    @Test
    void aCleanRunsConnectionServesTheNextRunAndIsClosedWhenIdleTooLong() throws Exception {
        PostgresEndpoint pg = LocalStack.freshPostgresDatabase("target_keep");
        try (PostgresTarget target = target(pg, Duration.ofMillis(800))) {
            Connection first = target.connect();
            long pid = backendPid(first);
            first.commit();
            target.release(first);

            Connection second = target.connect();
            assertThat(second).isSameAs(first);
            assertThat(backendPid(second)).isEqualTo(pid);
            assertThat(second.getAutoCommit()).isFalse();
            second.commit();
            target.release(second);

            await().atMost(Duration.ofSeconds(10)).until(second::isClosed);
            try (Connection c = pg.connect()) {
                await().atMost(Duration.ofSeconds(10)).until(() ->
                        Tables.count(c, "SELECT count(*) FROM pg_stat_activity WHERE pid = " + pid) == 0);
            }
            Connection third = target.connect();
            assertThat(backendPid(third)).isNotEqualTo(pid);
            target.release(third);
        }
    }

    @Test
    void aKeptConnectionTheServerDroppedIsReplacedWithoutTheRunNoticing() throws Exception {
        PostgresEndpoint pg = LocalStack.freshPostgresDatabase("target_dropped");
        Path db = dir.resolve("small.db");
        DemoDatabase.create(db, 3, 50, 5L);
        SourceSpec source = new SourceSpec("small", db, List.of(), Optional.of("updated_at"), false, "public", Map.of());
        try (PostgresTarget target = target(pg, Duration.ofMinutes(5))) {
            Replicator replicator = new Replicator(target, EngineSettings.defaults(), Clock.systemUTC());
            replicator.replicate(source, Mode.FULL, "first", Listeners.quiet());
            Connection kept = target.connect();
            long pid = backendPid(kept);
            kept.commit();
            target.release(kept);
            try (Connection c = pg.connect()) {
                assertThat(Tables.count(c, "SELECT count(*) FROM pg_stat_activity WHERE pid = " + pid)).isEqualTo(1);
                Tables.execute(c, "SELECT pg_terminate_backend(" + pid + ")");
            }

            ReplicationReport second = replicator.replicate(source, Mode.INCREMENTAL, "second", Listeners.quiet());

            assertThat(second.complete()).isTrue();
            assertThat(kept.isClosed()).isTrue();
        }
    }

    @Test
    void withoutKeepingEveryRunGetsItsOwnConnection() throws Exception {
        PostgresEndpoint pg = LocalStack.freshPostgresDatabase("target_no_keep");
        try (PostgresTarget target = target(pg, Duration.ZERO)) {
            Connection first = target.connect();
            first.commit();
            target.release(first);
            assertThat(first.isClosed()).isTrue();
            Connection second = target.connect();
            assertThat(second).isNotSameAs(first);
            target.release(second);
        }
    }

    @Test
    void aFailedRunsConnectionIsNeverKept() throws Exception {
        PostgresEndpoint pg = LocalStack.freshPostgresDatabase("target_failed_run");
        Path db = dir.resolve("conflict.db");
        DemoDatabase.create(db, 3, 50, 5L);
        try (Connection c = pg.connect()) {
            Tables.execute(c, "CREATE TABLE sets (id text)"); // no key: the run stops with a schema mismatch
        }
        try (PostgresTarget target = target(pg, Duration.ofMinutes(5))) {
            Replicator replicator = new Replicator(target, EngineSettings.defaults(), Clock.systemUTC());
            SourceSpec source = new SourceSpec("conflict", db, List.of(), Optional.empty(), false, "public", Map.of());
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> replicator.replicate(source, Mode.FULL, "failing", Listeners.quiet()))
                    .isInstanceOf(ReplicationException.class);
            try (Connection c = pg.connect()) {
                assertThat(Tables.count(c, "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'offsite-replication' AND datname = current_database()"))
                        .as("no connection left behind by the failed run").isZero();
            }
        }
    }

}
