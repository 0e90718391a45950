package io.offsite.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.offsite.localstack.postgres.PostgresEndpoint;
import io.offsite.localstack.s3.S3Endpoint;
import java.net.InetAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

class EmbeddedInfrastructureTest extends InfrastructureContract {

    @Override
    String kafkaBootstrapServers() {
        return LocalStack.kafka().bootstrapServers();
    }

    @Override
    S3Endpoint s3() {
        return LocalStack.s3();
    }

    @Override
    PostgresEndpoint postgres() {
        return LocalStack.postgres();
    }

    @Test
    void everythingListensOnLoopbackOnly() {
        assertThat(kafkaBootstrapServers()).startsWith("127.0.0.1:");
        assertThat(s3().endpoint().getHost()).isEqualTo("127.0.0.1");
        assertThat(s3().bucket()).isEqualTo("offsite-backups");
        assertThat(s3().accessKey()).isEqualTo("offsite");
        if (System.getenv(LocalStack.TEST_POSTGRES_URL_ENV) == null) {
            assertThat(postgres().host()).isEqualTo("127.0.0.1");
            assertThat(postgres().database()).isEqualTo("pokemon_tcg");
            assertThat(postgres().user()).isEqualTo("pokemon");
        }
    }

    @Test
    void aTakenPortIsReportedWithWhatToDo() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            assertThatThrownBy(() -> Ports.requireFree(taken.getLocalPort(), "Kafka broker", "--kafka-port"))
                    .isInstanceOf(Ports.PortInUseException.class)
                    .hasMessageContaining("Kafka broker cannot listen on 127.0.0.1:" + taken.getLocalPort())
                    .hasMessageContaining("--kafka-port");
        }
    }

    @Test
    void passwordsNeverAppearInEndpointDescriptions() {
        PostgresEndpoint parsed = PostgresEndpoint.parseJdbcUrl("jdbc:postgresql://127.0.0.1:5432/db?user=u&password=s3cr%21t");
        assertThat(parsed.password()).isEqualTo("s3cr!t");
        assertThat(parsed.toString()).doesNotContain("s3cr");
        assertThatThrownBy(() -> PostgresEndpoint.parseJdbcUrl("postgres://u:p@h/db?password=hunter2"))
                .hasMessageNotContaining("hunter2");
    }
}
