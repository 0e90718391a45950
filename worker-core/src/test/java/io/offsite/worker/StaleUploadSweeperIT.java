package io.offsite.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.MeterRegistry;
import io.offsite.localstack.LocalStack;
import io.offsite.localstack.Ports;
import io.offsite.localstack.s3.S3Endpoint;
import io.offsite.localstack.s3.S3Server;
import io.offsite.worker.storage.ObjectStore;
import io.offsite.worker.storage.StaleUploadSweeper;
import io.offsite.worker.storage.StorageProperties;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The sweep as a worker runs it: switched on by {@code offsite.s3.stale-uploads.enabled}, it aborts what was left
 * open before the worker started, then, on its interval, what is left later; a worker without the setting sweeps
 * nothing. Ages are shrunk to seconds (max-run-time 1 s, cleanup-grace 1 s, margin 0) to keep the test short.
 */
class StaleUploadSweeperIT {

    @TempDir
    Path dir;

    ConfigurableApplicationContext worker(S3Endpoint s3, boolean sweep) {
        return new SpringApplicationBuilder(RuntimeTestApplication.class).web(WebApplicationType.NONE)
                .run("--spring.application.name=sweeping-worker",
                        "--spring.kafka.bootstrap-servers=" + LocalStack.kafka().bootstrapServers(),
                        "--offsite.worker.group-id=sweeping-workers",
                        "--offsite.worker.max-poll-interval=20s", "--offsite.worker.max-run-time=1s", "--offsite.worker.cleanup-grace=1s",
                        "--offsite.s3.endpoint=" + s3.endpoint(), "--offsite.s3.access-key=" + s3.accessKey(),
                        "--offsite.s3.secret-key=" + s3.secretKey(), "--offsite.s3.bucket=" + s3.bucket(),
                        "--offsite.s3.stale-uploads.enabled=" + sweep, "--offsite.s3.stale-uploads.margin=0s",
                        "--offsite.s3.stale-uploads.interval=1s", "--spring.main.banner-mode=off");
    }

    /** What a worker killed right after starting its upload leaves: an upload open under the staging prefix. */
    static void leaveOpen(ObjectStore store, String key) {
        store.startUpload(key, "killed-run");
        // no complete, no close: a killed process does neither
        assertThat(store.openUploads(ObjectStore.STAGING_PREFIX + key)).hasSize(1);
    }

    @Test
    void aWorkerWithTheSweepOnAbortsLeftoversAtStartAndOnItsInterval() throws Exception {
        S3Endpoint defaults = LocalStack.s3();
        try (S3Server server = S3Server.start(dir, Ports.freePort(), defaults.accessKey(), defaults.secretKey(), "swept");
             ObjectStore store = new ObjectStore(StorageProperties.of(server.endpoint().endpoint(), defaults.accessKey(),
                     defaults.secretKey(), "swept"))) {
            leaveOpen(store, "series/before-start.gz");
            store.putSmall(ObjectStore.STAGING_PREFIX + "series/copied.gz.0123456789ab", new byte[10], "application/gzip", Map.of());
            Thread.sleep(2500);   // older than max-run-time + cleanup-grace

            try (ConfigurableApplicationContext off = worker(server.endpoint(), false)) {
                assertThat(off.getBeansOfType(StaleUploadSweeper.class)).as("no sweep unless switched on").isEmpty();
            }
            assertThat(store.openUploads(ObjectStore.STAGING_PREFIX)).hasSize(1);

            try (ConfigurableApplicationContext on = worker(server.endpoint(), true)) {
                MeterRegistry meters = on.getBean(MeterRegistry.class);
                await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                    assertThat(store.openUploads(ObjectStore.STAGING_PREFIX)).isEmpty();
                    assertThat(store.list(ObjectStore.STAGING_PREFIX)).isEmpty();
                });
                assertThat(meters.get("offsite.stale.uploads.aborted").counter().count()).isEqualTo(1);
                assertThat(meters.get("offsite.stale.staging.deleted").counter().count()).isEqualTo(1);

                leaveOpen(store, "series/while-running.gz");
                await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                        assertThat(store.openUploads(ObjectStore.STAGING_PREFIX)).as("swept on the interval").isEmpty());
                assertThat(meters.get("offsite.stale.uploads.aborted").counter().count()).isEqualTo(2);
            }
        }
    }
}
