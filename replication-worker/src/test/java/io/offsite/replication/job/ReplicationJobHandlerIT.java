package io.offsite.replication.job;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.offsite.events.v1.JobCompleted;
import io.offsite.events.v1.JobStatus;
import io.offsite.localstack.LocalStack;
import io.offsite.localstack.Ports;
import io.offsite.localstack.demo.DemoDatabase;
import io.offsite.localstack.postgres.PostgresEndpoint;
import io.offsite.replication.config.ReplicationProperties;
import io.offsite.replication.support.Requests;
import io.offsite.replication.support.Tables;
import io.offsite.worker.settings.WorkerProperties;
import io.offsite.worker.runtime.JobRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The handler inside the job runtime (minus Kafka): what the completion event says for partial failures, an
 * unreachable server and refused credentials — and that the password appears in neither the event nor the logs.
 */
@Timeout(120)
class ReplicationJobHandlerIT {

    static final String RIGHT_PASSWORD = "right-pw-91c2e";
    static final String WRONG_PASSWORD = "wrong-pw-7f3ad";

    @TempDir
    Path dir;

    final List<SpecificRecord> published = new CopyOnWriteArrayList<>();
    final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    Path db;

    @BeforeEach
    void setUp() {
        db = dir.resolve("pokemon-data.sqlite3.db");
        DemoDatabase.create(db, 10, 1000, 5L);
        logs.start();
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).addAppender(logs);
    }

    @AfterEach
    void tearDown() {
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(logs);
    }

    JobCompleted run(ReplicationProperties.Postgres postgres, Map<String, String> parameters) {
        ReplicationProperties properties = new ReplicationProperties(postgres, 100, 10, null, 5, null, null, null,
                Map.of("pokemon-data", new ReplicationProperties.Source(db, List.of(), "updated_at", null, false, null,
                        Map.of("pokemon_cards", "cards"))));
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        ReplicationJobHandler handler = new ReplicationJobHandler(properties, new ReplicationMetrics(meters));
        JobRunner runner = new JobRunner(handler, (topic, key, event) -> published.add(event), Clock.systemUTC(), "test-worker",
                new WorkerProperties(null, 0, null, null, null, null, null, 0), meters);
        try {
            return runner.process(Requests.replication("replicate-to-primary", parameters));
        } finally {
            runner.shutdown();
            handler.destroy();
        }
    }

    static ReplicationProperties.Postgres postgres(PostgresEndpoint pg, String password) {
        return new ReplicationProperties.Postgres(null, pg.host(), pg.port(), pg.database(), pg.user(), password, null, null, null);
    }

    @Test
    void aRefusedRowEndsPartiallyFailedWithCountsAndItsKey() throws Exception {
        PostgresEndpoint pg = LocalStack.freshPostgresDatabase("repl_handler_partial");
        try (Connection c = pg.connect()) {
            Tables.execute(c, "CREATE TABLE pokemon_cards (id text PRIMARY KEY, name text NOT NULL CHECK (name <> 'Forbidden'), supertype text,"
                    + " subtypes text, hp bigint, types text, evolves_from text, attacks text, weaknesses text, retreat_cost text,"
                    + " set_id text, number text, artist text, rarity text, flavor_text text, national_pokedex_numbers text,"
                    + " legalities text, images text, market_price double precision)");
        }
        try (Connection c = Tables.sqlite(db)) {
            Tables.execute(c, "UPDATE pokemon_cards SET name = 'Forbidden' WHERE id = 'set4-7'");
        }

        JobCompleted done = run(postgres(pg, pg.password()), Map.of("source", "pokemon-data"));

        assertThat(done.getStatus()).as("%s", done).isEqualTo(JobStatus.PARTIALLY_FAILED);
        assertThat(done.getStats()).containsEntry("rows_replicated.pokemon_cards", 999L).containsEntry("rows_failed.pokemon_cards", 1L)
                .containsEntry("rows_replicated.sets", 10L).containsEntry("rows_failed.sets", 0L).containsEntry("rows_failed", 1L);
        assertThat(done.getMessage()).contains("1 rows failed").contains("id=set4-7").contains("pokemon_cards_name_check");
        assertThat(messages()).anyMatch(m -> m.contains("[replicate-to-primary]") && m.contains("id=set4-7"));
    }

    @Test
    void anUnreachableServerFailsRetryable() {
        int port = Ports.freePort();
        JobCompleted done = run(new ReplicationProperties.Postgres(null, "127.0.0.1", port, "pokemon_tcg", "pokemon", WRONG_PASSWORD, null, null, null),
                Map.of("source", "pokemon-data"));

        assertThat(done.getStatus()).isEqualTo(JobStatus.FAILED);
        assertThat(done.getRetryable()).isTrue();
        assertThat(done.getError().getType()).isEqualTo("TARGET_UNREACHABLE");
        assertThat(done.getError().getMessage()).contains("PostgreSQL at pokemon@127.0.0.1:" + port + "/pokemon_tcg is unreachable");
        assertThat(done.toString()).doesNotContain(WRONG_PASSWORD);
    }

    @Test
    void refusedCredentialsFailNotRetryableWithoutThePasswordAnywhere() throws Exception {
        PostgresEndpoint target = passwordCheckedRole();

        JobCompleted done = run(postgres(target, WRONG_PASSWORD), Map.of("source", "pokemon-data"));

        assertThat(done.getStatus()).isEqualTo(JobStatus.FAILED);
        assertThat(done.getRetryable()).isFalse();
        assertThat(done.getError().getType()).isEqualTo("TARGET_AUTHENTICATION");
        assertThat(done.getError().getMessage()).contains("refused the credentials of user '" + target.user() + "'");
        assertThat(published).hasSize(2); // started, completed
        assertThat(published.toString()).doesNotContain(WRONG_PASSWORD).doesNotContain(target.password());
        assertThat(messages()).isNotEmpty().noneMatch(m -> m.contains(WRONG_PASSWORD) || m.contains(target.password()));

        JobCompleted ok = run(postgres(target, target.password()), Map.of("source", "pokemon-data"));
        assertThat(ok.getStatus()).as("%s", ok).isEqualTo(JobStatus.SUCCEEDED);
    }

    @Test
    void anUnknownSourceOrModeIsRejected() {
        PostgresEndpoint pg = LocalStack.postgres();
        JobCompleted unknown = run(postgres(pg, pg.password()), Map.of("source", "elsewhere"));
        assertThat(unknown.getStatus()).isEqualTo(JobStatus.REJECTED);
        assertThat(unknown.getError().getType()).isEqualTo("UNKNOWN_SOURCE");
        assertThat(unknown.getError().getMessage()).contains("elsewhere").contains("pokemon-data");

        JobCompleted badMode = run(postgres(pg, pg.password()), Map.of("source", "pokemon-data", "mode", "sideways"));
        assertThat(badMode.getStatus()).isEqualTo(JobStatus.REJECTED);
        assertThat(badMode.getError().getType()).isEqualTo("INVALID_PARAMETER");
    }

    /**
     * A role whose password the server checks (the embedded server checks every password; the rule added for the
     * dedicated role keeps it so whatever the rest of the file says); an external test server checks passwords already.
     */
    static PostgresEndpoint passwordCheckedRole() throws Exception {
        PostgresEndpoint base = LocalStack.postgres();
        if (LocalStack.postgresServer().isEmpty()) {
            return base;
        }
        String role = "offsite_password_check";
        PostgresEndpoint superuser = LocalStack.postgresServer().get().superuser();
        Path hba = LocalStack.dataDir().resolve("postgres").resolve("pg_hba.conf");
        String rule = "host all " + role + " 127.0.0.1/32 scram-sha-256\n";
        if (!Files.readString(hba).startsWith(rule)) {
            Files.writeString(hba, rule + Files.readString(hba), StandardOpenOption.TRUNCATE_EXISTING);
        }
        try (Connection c = superuser.connect()) {
            Tables.execute(c, "SET password_encryption = 'scram-sha-256'");
            Tables.execute(c, "DROP ROLE IF EXISTS " + role);
            Tables.execute(c, "CREATE ROLE " + role + " LOGIN PASSWORD '" + RIGHT_PASSWORD + "'");
            Tables.execute(c, "GRANT CREATE ON SCHEMA public TO " + role);
            Tables.execute(c, "SELECT pg_reload_conf()");
        }
        Thread.sleep(500); // the postmaster applies the reloaded rules asynchronously
        return new PostgresEndpoint(base.host(), base.port(), base.database(), role, RIGHT_PASSWORD);
    }

    List<String> messages() {
        return logs.list.stream().map(e -> e.getFormattedMessage() + (e.getThrowableProxy() == null ? "" : " " + e.getThrowableProxy().getMessage()))
                .toList();
    }
}
