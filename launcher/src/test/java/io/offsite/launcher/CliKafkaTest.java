package io.offsite.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.offsite.localstack.kafka.KafkaCredentials;
import io.offsite.localstack.kafka.KafkaProvisioning.Role;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where the command line finds its Kafka login. */
class CliKafkaTest {

    @TempDir
    Path data;

    @Test
    void theLocalCredentialsFileGivesTheRequesterAndTheAuditor() {
        KafkaCredentials credentials = KafkaCredentials.loadOrGenerate(data.resolve(KafkaCredentials.FILE_NAME))
                .save("127.0.0.1:19092", "SASL_PLAINTEXT");
        CliKafka kafka = CliKafka.resolve(Map.of("OFFSITE_DATA_DIR", data.toString()), null, null);
        assertThat(kafka.bootstrapServers()).isEqualTo("127.0.0.1:19092");
        assertThat(kafka.access(Role.REQUESTER).username()).isEqualTo("requester");
        assertThat(kafka.access(Role.REQUESTER).password()).isEqualTo(credentials.password(Role.REQUESTER));
        assertThat(kafka.access(Role.AUDITOR).clientConfig()).containsEntry("security.protocol", "SASL_PLAINTEXT")
                .containsEntry("sasl.mechanism", "SCRAM-SHA-512");
        assertThat(CliKafka.resolve(Map.of("OFFSITE_DATA_DIR", data.toString()), "127.0.0.1:9", null).bootstrapServers())
                .isEqualTo("127.0.0.1:9");
    }

    @Test
    void theEnvironmentNamesOneUserForEverything() {
        KafkaCredentials.loadOrGenerate(data.resolve(KafkaCredentials.FILE_NAME)).save("127.0.0.1:19092", "SASL_PLAINTEXT");
        CliKafka kafka = CliKafka.resolve(Map.of("OFFSITE_DATA_DIR", data.toString(), "KAFKA_SECURITY_PROTOCOL", "SASL_PLAINTEXT",
                "KAFKA_USERNAME", "ops", "KAFKA_PASSWORD", "pw", "KAFKA_BOOTSTRAP_SERVERS", "kafka:9092"), null, null);
        assertThat(kafka.bootstrapServers()).isEqualTo("kafka:9092");
        assertThat(kafka.access(Role.REQUESTER).username()).isEqualTo("ops");
        assertThat(kafka.access(Role.AUDITOR).username()).isEqualTo("ops");
        assertThatThrownBy(() -> CliKafka.resolve(Map.of("KAFKA_SECURITY_PROTOCOL", "SASL_PLAINTEXT"), null, null).access(Role.AUDITOR))
                .isInstanceOf(UsageException.class).hasMessageContaining("KAFKA_USERNAME");
    }

    @Test
    void anOpenBrokerOrNoCredentialsMeansNoLogin() {
        KafkaCredentials.loadOrGenerate(data.resolve(KafkaCredentials.FILE_NAME)).save("127.0.0.1:19092", "PLAINTEXT");
        assertThat(CliKafka.resolve(Map.of("OFFSITE_DATA_DIR", data.toString()), null, null).access(Role.AUDITOR).authenticated()).isFalse();
        CliKafka none = CliKafka.resolve(Map.of("OFFSITE_DATA_DIR", data.resolve("elsewhere").toString()), null, null);
        assertThat(none.access(Role.REQUESTER).authenticated()).isFalse();
        assertThat(none.bootstrapServers()).isEqualTo("127.0.0.1:9092");
        assertThatThrownBy(() -> CliKafka.resolve(Map.of(), null, data.resolve("missing.properties").toString()))
                .isInstanceOf(UsageException.class).hasMessageContaining("no Kafka credentials file");
    }

    @Test
    void localAcceptsOpen() {
        assertThat(LocalOptions.parse(java.util.List.of("--open")).open()).isTrue();
        assertThat(LocalOptions.parse(java.util.List.of()).open()).isFalse();
        LocalOptions open = LocalOptions.parse(java.util.List.of("--open", "--data", data.toString()));
        assertThat(new LocalSystem(open).kafkaBanner()).contains("Kafka: OPEN, no authentication — for experiments only");
        assertThat(new LocalSystem(LocalOptions.parse(java.util.List.of("--data", data.toString()))).kafkaBanner())
                .contains(data.resolve(KafkaCredentials.FILE_NAME).toString());
    }
}
