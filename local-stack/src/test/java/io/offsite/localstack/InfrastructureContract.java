package io.offsite.localstack;

import static org.assertj.core.api.Assertions.assertThat;

import io.offsite.localstack.postgres.PostgresEndpoint;
import io.offsite.localstack.s3.S3Endpoint;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/** What every variant of the test infrastructure must do; run against the embedded stack and the containers. */
abstract class InfrastructureContract {

    abstract String kafkaBootstrapServers();

    abstract S3Endpoint s3();

    abstract PostgresEndpoint postgres();

    @Test
    void kafkaCarriesARecordFromAProducerToAConsumer() throws Exception {
        String topic = "contract-" + UUID.randomUUID();
        try (var producer = new KafkaProducer<String, String>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafkaBootstrapServers()), new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>(topic, "backup-database", "hello")).get();
        }
        try (var consumer = new KafkaConsumer<String, String>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafkaBootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "contract",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            ConsumerRecord<String, String> received = null;
            while (received == null && System.nanoTime() < deadline) {
                for (var record : consumer.poll(Duration.ofMillis(500))) {
                    received = record;
                }
            }
            assertThat(received).isNotNull();
            assertThat(received.key()).isEqualTo("backup-database");
            assertThat(received.value()).isEqualTo("hello");
        }
    }

    @Test
    void s3StoresAndListsObjectsWithMetadataInTheDefaultBucket() {
        S3Endpoint s3 = s3();
        try (S3Client client = S3Client.builder()
                .endpointOverride(s3.endpoint())
                .region(Region.of(s3.region()))
                .forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(s3.accessKey(), s3.secretKey())))
                .build()) {
            String key = "contract/" + UUID.randomUUID() + ".txt";
            client.putObject(b -> b.bucket(s3.bucket()).key(key).metadata(Map.of("sha256", "abc")),
                    RequestBody.fromString("payload", StandardCharsets.UTF_8));
            assertThat(client.headObject(b -> b.bucket(s3.bucket()).key(key)).metadata()).containsEntry("sha256", "abc");
            assertThat(client.listObjectsV2(b -> b.bucket(s3.bucket()).prefix("contract/")).contents())
                    .anySatisfy(o -> assertThat(o.key()).isEqualTo(key));
            assertThat(client.getObjectAsBytes(b -> b.bucket(s3.bucket()).key(key)).asUtf8String()).isEqualTo("payload");
        }
    }

    @Test
    void postgresAcceptsTheDefaultUserAndDatabase() throws Exception {
        PostgresEndpoint pg = postgres();
        try (Connection c = pg.connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT current_user, current_database()")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo(pg.user());
            assertThat(rs.getString(2)).isEqualTo(pg.database());
        }
    }
}
