package io.offsite.replication.support;

import io.offsite.localstack.LocalStack;
import io.offsite.localstack.postgres.PostgresEndpoint;
import org.springframework.test.context.DynamicPropertyRegistry;

/** Points a replication worker under test at the per-JVM broker and at a PostgreSQL database as its target. */
public final class WorkerInfrastructure {

    private WorkerInfrastructure() {
    }

    /** Kafka, the consumer group {@code groupId} and the target {@code pg}. */
    public static void register(DynamicPropertyRegistry registry, String groupId, PostgresEndpoint pg) {
        registry.add("spring.kafka.bootstrap-servers", () -> LocalStack.kafka().bootstrapServers());
        registry.add("offsite.worker.group-id", () -> groupId);
        registry.add("offsite.replication.postgres.host", pg::host);
        registry.add("offsite.replication.postgres.port", pg::port);
        registry.add("offsite.replication.postgres.database", pg::database);
        registry.add("offsite.replication.postgres.user", pg::user);
        registry.add("offsite.replication.postgres.password", pg::password);
    }
}
