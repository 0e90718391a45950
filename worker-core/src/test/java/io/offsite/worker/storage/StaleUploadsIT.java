package io.offsite.worker.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.offsite.localstack.LocalStack;
import io.offsite.localstack.Ports;
import io.offsite.localstack.s3.S3Endpoint;
import io.offsite.localstack.s3.S3Server;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ListMultipartUploadsResponse;

/**
 * The stale upload sweep against a real S3 API (S3Proxy on a bucket of its own, so every count is exact): what a
 * killed run left is removed, an upload in flight is never touched, and nothing outside the staging prefix is.
 * Leftovers of a killed worker are made with a plain S3 client (create, upload a part, walk away), as a killed
 * process leaves them.
 */
class StaleUploadsIT {

    static final long PART = 5L * 1024 * 1024;
    static final Duration MAX_AGE = Duration.ofMinutes(50);

    @TempDir
    static Path dir;
    static S3Server server;
    static ObjectStore store;
    static S3Client raw;

    @BeforeAll
    static void start() {
        S3Endpoint defaults = LocalStack.s3();
        int port = Ports.freePort();
        server = S3Server.start(dir, port, defaults.accessKey(), defaults.secretKey(), "sweep-bucket");
        S3Endpoint s3 = server.endpoint();
        store = new ObjectStore(new StorageProperties(s3.endpoint(), null, s3.accessKey(), s3.secretKey(), s3.bucket(), true,
                null, null, PART, Duration.ofSeconds(2), Duration.ofSeconds(20)));
        raw = S3Client.builder().endpointOverride(s3.endpoint()).region(Region.US_EAST_1).forcePathStyle(true)
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(s3.accessKey(), s3.secretKey())))
                .build();
    }

    @AfterAll
    static void stop() {
        raw.close();
        store.close();
        server.close();
    }

    /** What a worker killed mid-upload leaves: an open upload with one part. */
    static String leftOpen(String key, int bytes) {
        String id = raw.createMultipartUpload(b -> b.bucket(store.bucket()).key(key)).uploadId();
        raw.uploadPart(b -> b.bucket(store.bucket()).key(key).uploadId(id).partNumber(1), RequestBody.fromBytes(random(bytes)));
        return id;
    }

    static byte[] random(int size) {
        byte[] bytes = new byte[size];
        new Random(size).nextBytes(bytes);
        return bytes;
    }

    static StaleUploads sweepAt(Instant now, SimpleMeterRegistry meters) {
        return new StaleUploads(store, Clock.fixed(now, ZoneOffset.UTC), MAX_AGE, meters);
    }

    static double counter(SimpleMeterRegistry meters, String name) {
        return meters.get(name).counter().count();
    }

    void clean() {
        store.abortOpenUploads("");
        store.delete(store.list("").stream().map(StoredObject::key).toList());
    }

    @Test
    void theStoreListsOpenUploadsWithTheirStartPageByPageAndTheirParts() {
        clean();
        Instant before = Instant.now().minusSeconds(5);
        for (int i = 0; i < 5; i++) {
            leftOpen(ObjectStore.STAGING_PREFIX + "paged/" + i + ".gz.abc", 1000 + i);
        }

        ListMultipartUploadsResponse firstPage = raw.listMultipartUploads(b -> b.bucket(store.bucket())
                .prefix(ObjectStore.STAGING_PREFIX).maxUploads(2));
        assertThat(firstPage.uploads()).as("S3Proxy honours max-uploads").hasSize(2);
        assertThat(firstPage.isTruncated()).as("and says there is more").isTrue();
        assertThat(firstPage.nextKeyMarker()).isNotNull();

        List<OpenUpload> all = store.listOpenUploads(ObjectStore.STAGING_PREFIX, 2);
        assertThat(all).extracting(OpenUpload::key).containsExactly(
                "_incoming/paged/0.gz.abc", "_incoming/paged/1.gz.abc", "_incoming/paged/2.gz.abc",
                "_incoming/paged/3.gz.abc", "_incoming/paged/4.gz.abc");
        assertThat(all).allSatisfy(u -> assertThat(u.initiated()).as("S3Proxy dates uploads")
                .isNotNull().isBetween(before, Instant.now().plusSeconds(5)));
        assertThat(store.listOpenUploads(ObjectStore.STAGING_PREFIX)).isEqualTo(all);
        assertThat(store.uploadedBytes(all.get(3))).contains(1003L);
        clean();
    }

    @Test
    void anUploadInFlightIsNeverAbortedAndCompletesAfterTheSweep() throws Exception {
        clean();
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        byte[] data = random((int) PART + 4321);
        try (MultipartUpload upload = store.startUpload("series/in-flight.gz", "run-in-flight")) {
            upload.write(data, 0, (int) PART + 10);   // one part sent, the next filling
            OpenUpload open = store.listOpenUploads(ObjectStore.STAGING_PREFIX).get(0);

            // swept at once (the worker's clock) and at the last instant the run may still be going
            StaleUploads.Sweep now = sweepAt(Instant.now(), meters).sweep();
            StaleUploads.Sweep last = sweepAt(open.initiated().plus(MAX_AGE), meters).sweep();

            assertThat(now.aborted()).isEmpty();
            assertThat(last.aborted()).isEmpty();
            assertThat(now.kept()).isEqualTo(1);
            assertThat(last.kept()).isEqualTo(1);
            assertThat(store.listOpenUploads(ObjectStore.STAGING_PREFIX)).containsExactly(open);

            upload.write(data, (int) PART + 10, data.length - (int) PART - 10);
            StoredObject stored = upload.complete(Map.of("run-id", "run-in-flight"));
            assertThat(stored.size()).isEqualTo(data.length);
        }
        assertThat(store.head("series/in-flight.gz")).isPresent();
        assertThat(counter(meters, "offsite.stale.uploads.aborted")).isZero();
        assertThat(counter(meters, "offsite.stale.staging.deleted")).isZero();
        assertThat(store.listOpenUploads("")).isEmpty();
        assertThat(store.list(ObjectStore.STAGING_PREFIX)).isEmpty();
        clean();
    }

    @Test
    void whatAKilledRunLeftIsRemovedAndNothingElse() {
        clean();
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        String killed = ObjectStore.STAGING_PREFIX + "series/killed.gz.0123456789ab";
        leftOpen(killed, 2_000_000);
        leftOpen(ObjectStore.STAGING_PREFIX + "series/killed-too.gz.0123456789ab", 1000);
        String copied = ObjectStore.STAGING_PREFIX + "series/copied.gz.ba9876543210";
        store.putSmall(copied, random(777), "application/gzip", Map.of());
        // outside the staging prefix: a backup, and another application's upload in the same bucket
        store.putSmall("series/kept.gz", random(100), "application/gzip", Map.of());
        leftOpen("other-app/upload.bin", 1000);

        Instant later = Instant.now().plus(MAX_AGE).plusSeconds(60);
        StaleUploads.Sweep sweep = sweepAt(later, meters).sweep();

        assertThat(sweep.aborted()).extracting(StaleUploads.Aborted::key)
                .containsExactlyInAnyOrder(killed, ObjectStore.STAGING_PREFIX + "series/killed-too.gz.0123456789ab");
        assertThat(sweep.aborted()).filteredOn(a -> a.key().equals(killed)).singleElement().satisfies(a -> {
            assertThat(a.bytes()).isEqualTo(2_000_000);
            assertThat(a.age()).isGreaterThan(MAX_AGE);
        });
        assertThat(sweep.deleted()).containsExactly(copied);
        assertThat(sweep.failures()).isEmpty();
        assertThat(counter(meters, "offsite.stale.uploads.aborted")).isEqualTo(2);
        assertThat(counter(meters, "offsite.stale.staging.deleted")).isEqualTo(1);

        assertThat(store.listOpenUploads(ObjectStore.STAGING_PREFIX)).isEmpty();
        assertThat(store.list(ObjectStore.STAGING_PREFIX)).isEmpty();
        assertThat(store.head("series/kept.gz")).isPresent();
        assertThat(store.openUploads("")).containsExactly("other-app/upload.bin");

        // a second sweep (or another instance's, at the same time) finds nothing left and fails nothing
        StaleUploads.Sweep again = sweepAt(later, meters).sweep();
        assertThat(again.aborted()).isEmpty();
        assertThat(again.deleted()).isEmpty();
        assertThat(again.failures()).isEmpty();
        clean();
    }

    @Test
    void anUploadAbortedMeanwhileIsNotCountedTwice() {
        clean();
        String key = ObjectStore.STAGING_PREFIX + "series/raced.gz.0123456789ab";
        leftOpen(key, 1000);
        OpenUpload upload = store.listOpenUploads(ObjectStore.STAGING_PREFIX).get(0);
        assertThat(store.abort(upload)).isTrue();
        assertThat(store.abort(upload)).as("the store no longer knows it").isFalse();
        clean();
    }
}
