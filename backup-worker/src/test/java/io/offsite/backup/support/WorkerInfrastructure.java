package io.offsite.backup.support;

import io.offsite.localstack.LocalStack;
import io.offsite.localstack.s3.S3Endpoint;
import io.offsite.worker.storage.ObjectStore;
import io.offsite.worker.storage.StorageProperties;
import io.offsite.backup.temp.InstanceFolder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.springframework.test.context.DynamicPropertyRegistry;

/** Points a backup worker under test at the per-JVM broker and S3 API, and gives tests their own client of the bucket. */
public final class WorkerInfrastructure {

    /** Shared by every worker context of this module: contexts never overlap, so each picks up where the last stopped. */
    public static final String GROUP_ID = "backup-worker-tests";

    private WorkerInfrastructure() {
    }

    /** Kafka, S3, the consumer group and a temp folder under {@code dir}. */
    public static void register(DynamicPropertyRegistry registry, Path dir) {
        register(registry, dir, () -> LocalStack.s3().endpoint().toString());
    }

    /** The same with the S3 API at {@code endpoint} (a store of the test's own, with the shared one's credentials). */
    public static void register(DynamicPropertyRegistry registry, Path dir, Supplier<Object> endpoint) {
        S3Endpoint s3 = LocalStack.s3();
        registry.add("spring.kafka.bootstrap-servers", () -> LocalStack.kafka().bootstrapServers());
        registry.add("offsite.s3.endpoint", endpoint);
        registry.add("offsite.s3.access-key", s3::accessKey);
        registry.add("offsite.s3.secret-key", s3::secretKey);
        registry.add("offsite.s3.bucket", s3::bucket);
        registry.add("offsite.worker.group-id", () -> GROUP_ID);
        registry.add("offsite.backup.temp-dir", () -> dir.resolve("tmp").toString());
    }

    /** A configured source: its type, series and file prefix; further settings are added by the caller. */
    public static void source(DynamicPropertyRegistry registry, String name, String type, String series, String filePrefix) {
        String prefix = "offsite.backup.sources." + name + ".";
        registry.add(prefix + "type", () -> type);
        registry.add(prefix + "series", () -> series);
        registry.add(prefix + "file-prefix", () -> filePrefix);
    }

    /** A SQLite source at {@code path}. */
    public static void sqliteSource(DynamicPropertyRegistry registry, String name, Path path, String series, String filePrefix) {
        source(registry, name, "sqlite", series, filePrefix);
        registry.add("offsite.backup.sources." + name + ".path", path::toString);
    }

    /**
     * Everything under the temp folder {@code dir/tmp} but the worker processes' own instance folders and their lock
     * files: what jobs left behind.
     */
    public static List<Path> tempLeftovers(Path dir) throws IOException {
        Path tmp = dir.resolve("tmp");
        if (!Files.exists(tmp)) {
            return List.of();
        }
        try (Stream<Path> all = Files.walk(tmp)) {
            return all.filter(p -> !p.equals(tmp))
                    .filter(p -> !(p.getParent().equals(tmp) && p.getFileName().toString().startsWith(InstanceFolder.PREFIX) && Files.isDirectory(p)))
                    .filter(p -> !(p.getFileName().toString().equals(InstanceFolder.LOCK_FILE)
                            && p.getParent().getFileName().toString().startsWith(InstanceFolder.PREFIX)))
                    .toList();
        }
    }

    /** A client of the test bucket, as an operator's tool would be. */
    public static ObjectStore objectStore() {
        S3Endpoint s3 = LocalStack.s3();
        return new ObjectStore(StorageProperties.of(s3.endpoint(), s3.accessKey(), s3.secretKey(), s3.bucket()));
    }
}
