package io.offsite.backup;

import static org.assertj.core.api.Assertions.assertThat;

import io.offsite.backup.support.WorkerInfrastructure;
import io.offsite.events.Topics;
import io.offsite.events.v1.JobCompleted;
import io.offsite.events.v1.JobRequested;
import io.offsite.events.v1.JobStatus;
import io.offsite.localstack.LocalStack;
import io.offsite.localstack.Ports;
import io.offsite.localstack.demo.DemoDatabase;
import io.offsite.localstack.kafka.EventProbe;
import io.offsite.localstack.s3.S3Endpoint;
import io.offsite.localstack.s3.S3Server;
import io.offsite.worker.storage.ObjectStore;
import io.offsite.worker.storage.StorageException;
import io.offsite.worker.storage.StorageProperties;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The object store going away in the middle of a backup's upload, with a real S3 API stopped and started again. */
@SpringBootTest(classes = BackupWorkerApplication.class, webEnvironment = SpringBootTest.WebEnvironment.NONE,
        properties = "spring.config.name=backup-worker")
@DirtiesContext
class StoreOutageIT {

    @TempDir
    static Path dir;

    static final int PORT = Ports.freePort();
    static S3Server server;
    static EventProbe probe;
    static ObjectStore store;

    static S3Server startStore() {
        S3Endpoint shared = LocalStack.s3();
        return S3Server.start(dir.resolve("s3"), PORT, shared.accessKey(), shared.secretKey(), shared.bucket());
    }

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        WorkerInfrastructure.register(registry, dir, () -> "http://" + Ports.LOOPBACK + ":" + PORT);
        WorkerInfrastructure.sqliteSource(registry, "outage", dir.resolve("outage.db"), "outage", "outage");
        // uncompressed, so that the upload takes long enough to be cut in the middle
        registry.add("offsite.backup.sources.outage.compression", () -> "none");
    }

    @BeforeAll
    static void start() throws Exception {
        DemoDatabase.create(dir.resolve("outage.db"), 20, 50_000, 3L);
        server = startStore();
        probe = new EventProbe(LocalStack.kafka().bootstrapServers());
        S3Endpoint shared = LocalStack.s3();
        store = new ObjectStore(StorageProperties.of(URI.create("http://" + Ports.LOOPBACK + ":" + PORT), shared.accessKey(),
                shared.secretKey(), shared.bucket()));
    }

    @AfterAll
    static void stop() {
        probe.close();
        store.close();
        server.close();
    }

    @Test
    void storeLostMidUploadFailsRetryablyLeavingNothingAndTheRetrySucceeds() throws Exception {
        JobRequested first = BackupWorkerIT.request("backup-outage", "outage", BackupWorkerIT.uniqueInstant());
        probe.send(Topics.REQUESTS_BACKUP, first.getJobName(), first);
        // the moment the worker's upload is open, the store goes away
        Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(5))
                .until(() -> !store.openUploads("_incoming/outage/").isEmpty());
        server.close();

        JobCompleted failed = probe.awaitCompletion(first.getRunId(), BackupWorkerIT.WAIT);
        assertThat(failed.getStatus()).as("%s", failed).isEqualTo(JobStatus.FAILED);
        assertThat(failed.getRetryable()).isTrue();
        assertThat(failed.getError().getType()).isEqualTo(StorageException.UNAVAILABLE);
        assertThat(failed.getError().getMessage()).contains("unreachable");
        assertThat(WorkerInfrastructure.tempLeftovers(dir)).as("no temp snapshot left").isEmpty();

        server = startStore();
        assertThat(store.list("outage/")).as("no object, partial or whole").isEmpty();

        JobRequested retry = JobRequested.newBuilder(first).setAttempt(2).build();
        probe.send(Topics.REQUESTS_BACKUP, retry.getJobName(), retry);
        JobCompleted done = probe.awaitCompletion(c -> c.getRunId().equals(retry.getRunId()) && c.getAttempt() == 2, BackupWorkerIT.WAIT,
                "attempt 2 of " + retry.getRunId());

        assertThat(done.getStatus()).as("%s", done).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(store.list("outage/")).extracting(o -> o.key()).containsExactlyInAnyOrder(
                done.getArtifacts().get(0).getKey(), done.getArtifacts().get(0).getKey() + ".sha256");
        assertThat(store.openUploads("_incoming/")).as("the retry aborted what the failed attempt left open").isEmpty();
        assertThat(store.list("_incoming/")).isEmpty();
    }
}
