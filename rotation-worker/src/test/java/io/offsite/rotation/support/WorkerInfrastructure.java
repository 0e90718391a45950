package io.offsite.rotation.support;

import io.offsite.localstack.LocalStack;
import io.offsite.localstack.s3.S3Endpoint;
import org.springframework.test.context.DynamicPropertyRegistry;

/** Points a rotation worker under test at the per-JVM broker and S3 API. */
public final class WorkerInfrastructure {

    private WorkerInfrastructure() {
    }

    /** Kafka, S3 and the consumer group {@code groupId}. */
    public static void register(DynamicPropertyRegistry registry, String groupId) {
        S3Endpoint s3 = LocalStack.s3();
        registry.add("spring.kafka.bootstrap-servers", () -> LocalStack.kafka().bootstrapServers());
        registry.add("offsite.s3.endpoint", () -> s3.endpoint().toString());
        registry.add("offsite.s3.access-key", s3::accessKey);
        registry.add("offsite.s3.secret-key", s3::secretKey);
        registry.add("offsite.s3.bucket", s3::bucket);
        registry.add("offsite.worker.group-id", () -> groupId);
    }
}
