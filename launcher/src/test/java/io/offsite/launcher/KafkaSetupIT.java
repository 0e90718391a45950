package io.offsite.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.offsite.events.Topics;
import io.offsite.localstack.Ports;
import io.offsite.localstack.kafka.KafkaAccess;
import io.offsite.localstack.kafka.KafkaBroker;
import io.offsite.localstack.kafka.KafkaProvisioning.Role;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code offsite kafka-setup}, as docker compose runs it: users and ACLs from the environment, a password rotated by running it again. */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class KafkaSetupIT {

    @TempDir
    Path data;

    @Test
    void createsTheUsersItIsGivenAndRotatesAPasswordWhenRunAgain() {
        try (KafkaBroker broker = KafkaBroker.startSecure(data.resolve("kafka"), Ports.freePort(), "admin-secret")) {
            Map<String, String> env = new HashMap<>(Map.of(
                    "KAFKA_BOOTSTRAP_SERVERS", broker.adminAccess().bootstrapServers(),
                    "KAFKA_ADMIN_PASSWORD", "admin-secret",
                    "KAFKA_SCHEDULER_PASSWORD", "scheduler-1",
                    "KAFKA_BACKUP_WORKER_PASSWORD", "backup-1",
                    "KAFKA_ROTATION_WORKER_PASSWORD", "rotation-1",
                    "KAFKA_REPLICATION_WORKER_PASSWORD", "replication-1",
                    "OFFSITE_TOPICS_DEAD_LETTER_RETENTION", "14d"));
            String printed = setup(env);
            assertThat(printed).contains("is set up for Offsite", "users [scheduler, backup-worker, rotation-worker, replication-worker]")
                    .contains("Users not created: requester (KAFKA_REQUESTER_PASSWORD not set)");
            assertThat(partitions(KafkaAccess.scram(broker.bootstrapServers(), "scheduler", "scheduler-1"))).isEqualTo(6);
            assertThatThrownBy(() -> partitions(KafkaAccess.scram(broker.bootstrapServers(), "requester", "anything")))
                    .isInstanceOf(SaslAuthenticationException.class).hasMessageContaining("Authentication failed during authentication due to invalid credentials");

            env.put("KAFKA_SCHEDULER_PASSWORD", "scheduler-2");
            assertThat(setup(env)).contains("ACLs added 0, removed 0");
            assertThat(partitions(KafkaAccess.scram(broker.bootstrapServers(), "scheduler", "scheduler-2"))).isEqualTo(6);
            assertThatThrownBy(() -> partitions(KafkaAccess.scram(broker.bootstrapServers(), "scheduler", "scheduler-1")))
                    .isInstanceOf(SaslAuthenticationException.class).hasMessageContaining("Authentication failed during authentication due to invalid credentials");
        }
    }

    @Test
    void withoutTheAdminPasswordItSaysWhatToSet() {
        assertThatThrownBy(() -> new KafkaSetupCommand(new PrintStream(new ByteArrayOutputStream()), Map.of()).run(List.of()))
                .isInstanceOf(UsageException.class).hasMessageContaining("set KAFKA_ADMIN_PASSWORD");
        assertThat(Role.BACKUP_WORKER.passwordVariable()).isEqualTo("KAFKA_BACKUP_WORKER_PASSWORD");
    }

    private static String setup(Map<String, String> env) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int exit = new KafkaSetupCommand(new PrintStream(out, true, StandardCharsets.UTF_8), env).run(List.of());
        assertThat(exit).isZero();
        return out.toString(StandardCharsets.UTF_8);
    }

    /** Partitions of the job-events topic as {@code access} sees them. */
    private static int partitions(KafkaAccess access) {
        Map<String, Object> config = new HashMap<>(access.clientConfig());
        config.put("default.api.timeout.ms", 10_000);
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer())) {
            return consumer.partitionsFor(Topics.JOB_EVENTS, Duration.ofSeconds(10)).size();
        }
    }
}
