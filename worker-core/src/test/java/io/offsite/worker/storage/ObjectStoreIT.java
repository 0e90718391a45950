package io.offsite.worker.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.offsite.localstack.LocalStack;
import io.offsite.localstack.Ports;
import io.offsite.localstack.s3.S3Endpoint;
import io.offsite.localstack.s3.S3Server;
import io.offsite.worker.integrity.Sha256;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The object store adapter against a real S3 API (S3Proxy). */
class ObjectStoreIT {

    static final long PART = 5L * 1024 * 1024;
    static ObjectStore store;

    @BeforeAll
    static void start() {
        S3Endpoint s3 = LocalStack.s3();
        store = new ObjectStore(props(s3.endpoint().toString(), s3));
    }

    @AfterAll
    static void stop() {
        store.close();
    }

    static StorageProperties props(String endpoint, S3Endpoint s3) {
        return new StorageProperties(java.net.URI.create(endpoint), null, s3.accessKey(), s3.secretKey(), s3.bucket(), true,
                null, null, PART, Duration.ofSeconds(2), Duration.ofSeconds(20));
    }

    static byte[] random(int size) {
        byte[] bytes = new byte[size];
        new Random(size).nextBytes(bytes);
        return bytes;
    }

    @Test
    void multipartUploadAppearsWholeWithItsMetadata() throws Exception {
        String key = "store-it/" + UUID.randomUUID() + ".bin";
        byte[] data = random((int) (PART * 2 + 12345));
        StoredObject stored;
        String sentMd5;
        try (MultipartUpload upload = store.startUpload(key, "run-1")) {
            for (int off = 0; off < data.length; off += 100_000) {
                upload.write(data, off, Math.min(100_000, data.length - off));
                assertThat(store.head(key)).as("nothing visible before completion").isEmpty();
            }
            stored = upload.complete(Map.of("sha256", "abc", "run-id", "run-1"));
            sentMd5 = upload.contentMd5();
        }
        assertThat(sentMd5).isEqualTo(java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("MD5").digest(data)));
        assertThat(stored.contentMd5()).as("the store's own MD5 of the published object (its ETag)").contains(sentMd5);
        assertThat(stored.size()).isEqualTo(data.length);
        assertThat(stored.metadata()).containsEntry("sha256", "abc").containsEntry("run-id", "run-1");
        try (InputStream in = store.open(key)) {
            assertThat(Sha256.of(in).sha256()).isEqualTo(Sha256.of(new java.io.ByteArrayInputStream(data)).sha256());
        }
        assertThat(store.list("_incoming/store-it/")).isEmpty();
        assertThat(store.openUploads("_incoming/")).isEmpty();
    }

    @Test
    void emptyUploadStoresAnEmptyObject() throws Exception {
        String key = "store-it/" + UUID.randomUUID() + ".empty";
        try (MultipartUpload upload = store.startUpload(key, "run-empty")) {
            assertThat(upload.complete(Map.of()).size()).isZero();
        }
        assertThat(store.head(key)).isPresent();
    }

    @Test
    void closingWithoutCompletingLeavesNothing() throws Exception {
        String key = "store-it/" + UUID.randomUUID() + ".bin";
        try (MultipartUpload upload = store.startUpload(key, "run-2")) {
            upload.write(random((int) PART + 10));
        }
        assertThat(store.head(key)).isEmpty();
        assertThat(store.list("_incoming/" + key)).isEmpty();
        assertThat(store.openUploads("_incoming/" + key)).isEmpty();
    }

    @Test
    void storeGoingAwayMidUploadFailsRetryablyAndTheRetryLeavesNothingOpen(@TempDir Path dir) throws Exception {
        int port = Ports.freePort();
        S3Endpoint s3 = LocalStack.s3();
        S3Server server = S3Server.start(dir, port, s3.accessKey(), s3.secretKey(), s3.bucket());
        String key = "flaky/" + UUID.randomUUID() + ".bin";
        try (ObjectStore flaky = new ObjectStore(props("http://127.0.0.1:" + port, s3))) {
            MultipartUpload upload = flaky.startUpload(key, "run-3");
            upload.write(random((int) PART));
            server.close();
            assertThatThrownBy(() -> {
                for (int i = 0; i < 4; i++) {
                    upload.write(random((int) PART));
                }
                upload.complete(Map.of());
            }).isInstanceOfSatisfying(StorageException.class, e -> {
                assertThat(e.retryable()).isTrue();
                assertThat(e.errorType()).isEqualTo(StorageException.UNAVAILABLE);
                assertThat(e.getMessage()).contains("unreachable");
            });
            upload.close();

            server = S3Server.start(dir, port, s3.accessKey(), s3.secretKey(), s3.bucket());
            assertThat(flaky.head(key)).as("no object after the failure").isEmpty();
            // the next attempt of the same run first aborts what the failed one left open
            try (MultipartUpload retry = flaky.startUpload(key, "run-3")) {
                assertThat(flaky.openUploads("_incoming/" + key)).hasSize(1);
            }
            assertThat(flaky.openUploads("_incoming/" + key)).isEmpty();
            assertThat(flaky.list("_incoming/")).isEmpty();
            assertThat(flaky.head(key)).isEmpty();
        } finally {
            server.close();
        }
    }

    @Test
    void listingFollowsPaginationAndBatchedDeleteReportsEveryKey() {
        String prefix = "paged-" + UUID.randomUUID() + "/";
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < 1205; i++) {
            keys.add(prefix + String.format("%05d", i));
        }
        keys.parallelStream().forEach(k -> store.putSmall(k, new byte[] {1}, "application/octet-stream", Map.of()));
        assertThat(store.list(prefix)).hasSize(1205);

        DeleteReport report = store.delete(keys);

        assertThat(report.complete()).isTrue();
        assertThat(report.deleted()).hasSize(1205);
        assertThat(store.list(prefix)).isEmpty();
    }

    /**
     * One stored file is made immutable ({@code chattr +i}), so the store really cannot remove it: that key is reported
     * refused with the store's code and every other key of the batch is deleted. Skipped where the attribute cannot be set.
     */
    @Test
    void aKeyTheStoreRefusesIsReportedWithItsCodeAndTheRestAreDeleted() throws Exception {
        String prefix = "refused-" + UUID.randomUUID() + "/";
        List<String> keys = List.of(prefix + "a", prefix + "b", prefix + "c");
        keys.forEach(k -> store.putSmall(k, new byte[] {1}, "application/octet-stream", Map.of()));
        Path locked = LocalStack.s3Server().storageRoot().resolve(LocalStack.s3().bucket()).resolve(prefix + "b");
        org.junit.jupiter.api.Assumptions.assumeTrue(chattr("+i", locked), "cannot make a file immutable here (chattr +i)");
        DeleteReport report;
        try {
            report = store.delete(keys);
        } finally {
            chattr("-i", locked);
        }

        assertThat(report.deleted()).containsExactlyInAnyOrder(prefix + "a", prefix + "c");
        assertThat(report.failures()).containsOnlyKeys(prefix + "b");
        assertThat(report.refused()).containsOnlyKeys(prefix + "b");
        assertThat(report.refused().get(prefix + "b").code()).isEqualTo("AccessDenied");
        assertThat(report.failed().get(prefix + "b")).startsWith("AccessDenied: ").contains(prefix + "b");
        assertThat(store.list(prefix)).extracting(StoredObject::key).containsExactly(prefix + "b");
        assertThat(store.delete(List.of(prefix + "b")).complete()).as("deletable again once the lock is lifted").isTrue();
    }

    @Test
    void aStoreThatCannotBeReachedFailsEveryKeyWithoutCallingItRefused() {
        S3Endpoint s3 = LocalStack.s3();
        try (ObjectStore nowhere = new ObjectStore(props("http://127.0.0.1:" + Ports.freePort(), s3))) {
            DeleteReport report = nowhere.delete(List.of("x/1", "x/2"));
            assertThat(report.deleted()).isEmpty();
            assertThat(report.failures()).containsOnlyKeys("x/1", "x/2");
            assertThat(report.refused()).isEmpty();
            assertThat(report.failures().get("x/1").code()).isEqualTo("UNREACHABLE");
        }
    }

    static boolean chattr(String flag, Path file) throws java.io.IOException, InterruptedException {
        if (!java.nio.file.Files.exists(file)) {
            return false;
        }
        Process p;
        try {
            p = new ProcessBuilder("chattr", flag, file.toString()).redirectErrorStream(true).start();
        } catch (java.io.IOException e) {
            return false; // no chattr on this machine
        }
        p.getInputStream().readAllBytes();
        return p.waitFor(10, java.util.concurrent.TimeUnit.SECONDS) && p.exitValue() == 0;
    }

    @Test
    void unreachableStoreIsReportedClearly() {
        S3Endpoint s3 = LocalStack.s3();
        try (ObjectStore nowhere = new ObjectStore(props("http://127.0.0.1:" + Ports.freePort(), s3))) {
            assertThatThrownBy(() -> nowhere.list("x/"))
                    .isInstanceOfSatisfying(StorageException.class, e -> assertThat(e.retryable()).isTrue())
                    .hasMessageContaining("unreachable");
        }
    }
}
