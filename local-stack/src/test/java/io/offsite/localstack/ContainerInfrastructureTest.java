package io.offsite.localstack;

import io.offsite.localstack.containers.ContainerStack;
import io.offsite.localstack.postgres.PostgresEndpoint;
import io.offsite.localstack.s3.S3Endpoint;
import org.testcontainers.junit.jupiter.Testcontainers;

/** The same contract against Kafka, MinIO and PostgreSQL containers; skipped where no Docker engine runs. */
@Testcontainers(disabledWithoutDocker = true)
class ContainerInfrastructureTest extends InfrastructureContract {

    @Override
    String kafkaBootstrapServers() {
        return ContainerStack.kafkaBootstrapServers();
    }

    @Override
    S3Endpoint s3() {
        return ContainerStack.s3();
    }

    @Override
    PostgresEndpoint postgres() {
        return ContainerStack.postgres();
    }
}
