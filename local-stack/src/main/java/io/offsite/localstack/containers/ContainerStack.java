package io.offsite.localstack.containers;

import io.offsite.events.TopicSettings;
import io.offsite.localstack.kafka.KafkaProvisioning;
import io.offsite.localstack.postgres.PostgresEndpoint;
import io.offsite.localstack.s3.S3Endpoint;
import java.net.URI;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.testcontainers.containers.MinIOContainer;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.postgresql.PostgreSQLContainer;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The Testcontainers variant of the test infrastructure (Apache Kafka, MinIO, PostgreSQL images), for
 * machines with a Docker engine. Answers with the same endpoint types as the embedded stack, so a suite can
 * run against either. Containers start lazily, once per JVM; Testcontainers' reaper removes them.
 */
public final class ContainerStack {

    public static final String KAFKA_IMAGE = "apache/kafka:4.1.1";
    public static final String MINIO_IMAGE = "minio/minio:RELEASE.2025-09-07T16-13-09Z";
    public static final String POSTGRES_IMAGE = "postgres:16-alpine";

    private static KafkaContainer kafka;
    private static MinIOContainer minio;
    private static PostgreSQLContainer postgres;

    private ContainerStack() {
    }

    public static synchronized String kafkaBootstrapServers() {
        if (kafka == null) {
            kafka = new KafkaContainer(KAFKA_IMAGE);
            kafka.start();
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.getBootstrapServers()))) {
                KafkaProvisioning.createTopics(admin, TopicSettings.DEFAULTS.all());
            } catch (Exception e) {
                throw new IllegalStateException("cannot create topics in the Kafka container: " + e, e);
            }
        }
        return kafka.getBootstrapServers();
    }

    public static synchronized S3Endpoint s3() {
        if (minio == null) {
            minio = new MinIOContainer(MINIO_IMAGE)
                    .withUserName(S3Endpoint.DEFAULT_ACCESS_KEY)
                    .withPassword(S3Endpoint.DEFAULT_SECRET_KEY);
            minio.start();
            S3Endpoint endpoint = endpoint();
            try (S3Client client = S3Client.builder()
                    .endpointOverride(endpoint.endpoint())
                    .region(Region.of(endpoint.region()))
                    .forcePathStyle(true)
                    .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(endpoint.accessKey(), endpoint.secretKey())))
                    .build()) {
                client.createBucket(b -> b.bucket(endpoint.bucket()));
            }
        }
        return endpoint();
    }

    private static S3Endpoint endpoint() {
        return new S3Endpoint(URI.create(minio.getS3URL()), S3Endpoint.DEFAULT_ACCESS_KEY, S3Endpoint.DEFAULT_SECRET_KEY,
                S3Endpoint.DEFAULT_BUCKET, S3Endpoint.DEFAULT_REGION);
    }

    public static synchronized PostgresEndpoint postgres() {
        if (postgres == null) {
            postgres = new PostgreSQLContainer(POSTGRES_IMAGE)
                    .withDatabaseName(PostgresEndpoint.DEFAULT_DATABASE)
                    .withUsername(PostgresEndpoint.DEFAULT_USER)
                    .withPassword(PostgresEndpoint.DEFAULT_PASSWORD);
            postgres.start();
        }
        return new PostgresEndpoint(postgres.getHost(), postgres.getMappedPort(5432), PostgresEndpoint.DEFAULT_DATABASE,
                PostgresEndpoint.DEFAULT_USER, PostgresEndpoint.DEFAULT_PASSWORD);
    }
}
