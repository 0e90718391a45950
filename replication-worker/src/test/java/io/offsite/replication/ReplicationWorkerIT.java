package io.offsite.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.MeterRegistry;
import io.offsite.events.Topics;
import io.offsite.events.v1.JobCompleted;
import io.offsite.events.v1.JobRequested;
import io.offsite.events.v1.JobStatus;
import io.offsite.localstack.LocalStack;
import io.offsite.localstack.demo.DemoDatabase;
import io.offsite.localstack.kafka.EventProbe;
import io.offsite.localstack.postgres.PostgresEndpoint;
import io.offsite.replication.support.Requests;
import io.offsite.replication.support.Tables;
import io.offsite.replication.support.WorkerInfrastructure;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
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

/** The replication worker as deployed: requests over a real Kafka broker, rows into a real PostgreSQL server. */
@SpringBootTest(classes = ReplicationWorkerApplication.class, webEnvironment = SpringBootTest.WebEnvironment.NONE,
        properties = "spring.config.name=replication-worker")
@DirtiesContext
class ReplicationWorkerIT {

    static final Duration WAIT = Duration.ofSeconds(90);

    @TempDir
    static Path dir;

    static PostgresEndpoint pg;
    static EventProbe probe;

    @Autowired
    MeterRegistry meters;

    @Autowired
    org.springframework.context.ConfigurableApplicationContext context;

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        pg = LocalStack.freshPostgresDatabase("repl_worker_it");
        WorkerInfrastructure.register(registry, "replication-it-" + UUID.randomUUID(), pg);
        registry.add("offsite.replication.sources.pokemon-data.path", () -> dir.resolve("pokemon-data.sqlite3.db").toString());
        registry.add("offsite.replication.sources.gone.path", () -> dir.resolve("missing/gone.db").toString());
    }

    @BeforeAll
    static void start() {
        DemoDatabase.create(dir.resolve("pokemon-data.sqlite3.db"), 20, 3000, 9L);
        probe = new EventProbe(LocalStack.kafka().bootstrapServers());
    }

    @AfterAll
    static void stop() {
        probe.close();
    }

    JobCompleted send(Map<String, String> parameters) {
        JobRequested request = Requests.replication("replicate-to-primary", parameters);
        probe.send(Topics.REQUESTS_REPLICATION, request.getJobName(), request);
        return await().atMost(WAIT).until(() -> probe.completions(request.getRunId()), done -> !done.isEmpty()).get(0);
    }

    @Test
    void aRequestReplicatesTheSourceAndTheCompletionCarriesTheCounts() throws Exception {
        JobCompleted done = send(Map.of("source", "pokemon-data"));

        assertThat(done.getStatus()).as("%s", done).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(done.getStats()).containsEntry("rows_replicated.sets", 20L).containsEntry("rows_failed.sets", 0L)
                .containsEntry("rows_replicated.pokemon_cards", 3000L).containsEntry("rows_failed.pokemon_cards", 0L)
                .containsEntry("rows_inserted.pokemon_cards", 3000L).containsEntry("rows_replicated", 3020L);
        try (Connection c = pg.connect()) {
            assertThat(Tables.count(c, "SELECT count(*) FROM pokemon_cards")).isEqualTo(3000);
            assertThat(Tables.count(c, "SELECT count(*) FROM sets")).isEqualTo(20);
        }
        assertThat(meters.get("rows_replicated").tag("table", "pokemon_cards").counter().count()).isEqualTo(3000.0);
        assertThat(meters.get("rows_failed").tag("table", "sets").counter().count()).isZero();

        JobCompleted again = send(Map.of("source", "pokemon-data", "mode", "full"));
        assertThat(again.getStatus()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(again.getStats()).containsEntry("rows_unchanged.pokemon_cards", 3000L).containsEntry("rows_updated.pokemon_cards", 0L);
    }

    @Test
    void aMissingSqliteFileFailsNamingThePath() {
        JobCompleted done = send(Map.of("source", "gone"));

        assertThat(done.getStatus()).isEqualTo(JobStatus.FAILED);
        assertThat(done.getRetryable()).isFalse();
        assertThat(done.getError().getType()).isEqualTo("SOURCE_NOT_FOUND");
        assertThat(done.getError().getMessage()).contains(dir.resolve("missing/gone.db").toString());
    }

    @Test
    void anUnknownSourceIsRejected() {
        JobCompleted done = send(Map.of("source", "../../etc/passwd"));

        assertThat(done.getStatus()).isEqualTo(JobStatus.REJECTED);
        assertThat(done.getError().getType()).isEqualTo("UNKNOWN_SOURCE");
        assertThat(List.of(done.getError().getMessage())).allMatch(m -> m.contains("gone") && m.contains("pokemon-data"));
    }

    /** The deployment gives this worker no S3 keys: it must never build an S3 client. */
    @Test
    void theWorkerNeverBuildsAnS3Client() {
        assertThat(context.getBeanFactory().containsBeanDefinition("offsiteObjectStore")).isTrue();
        assertThat(context.getBeanFactory().containsSingleton("offsiteObjectStore")).as("ObjectStore instantiated").isFalse();
    }
}
