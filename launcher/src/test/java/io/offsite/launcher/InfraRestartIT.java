package io.offsite.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.offsite.localstack.Ports;
import io.offsite.localstack.Processes;
import io.offsite.localstack.postgres.PostgresEndpoint;
import io.offsite.localstack.s3.S3Endpoint;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * {@code offsite infra} killed with SIGKILL starts again on the same data folder and ports: the PostgreSQL it left
 * running is stopped first, and what Kafka, S3 and PostgreSQL held before the crash is still there. A SIGTERM stops
 * the infrastructure, PostgreSQL included.
 */
@Timeout(360)
class InfraRestartIT {

    private static final String RUNNING = "are running";

    @Test
    void infraKilledWithSigkillStartsAgainAndSigtermStopsItsPostgres() throws Exception {
        Path data = Path.of(System.getProperty("offsite.test.data", "target/offsite-test"), "infra-restart-" + UUID.randomUUID());
        Files.createDirectories(data);
        List<String> ports = List.of("--kafka-port", String.valueOf(Ports.freePort()), "--s3-port", String.valueOf(Ports.freePort()),
                "--postgres-port", String.valueOf(Ports.freePort()));
        String kafka = "127.0.0.1:" + ports.get(1);
        S3Endpoint s3 = new S3Endpoint(URI.create("http://127.0.0.1:" + ports.get(3)), S3Endpoint.DEFAULT_ACCESS_KEY,
                S3Endpoint.DEFAULT_SECRET_KEY, S3Endpoint.DEFAULT_BUCKET, S3Endpoint.DEFAULT_REGION);
        PostgresEndpoint postgres = new PostgresEndpoint("127.0.0.1", Integer.parseInt(ports.get(5)), PostgresEndpoint.DEFAULT_DATABASE,
                PostgresEndpoint.DEFAULT_USER, PostgresEndpoint.DEFAULT_PASSWORD);
        List<Long> servers = new ArrayList<>();
        Process first = null;
        Process second = null;
        try {
            first = startInfra(data, ports, data.resolve("first.log"));
            awaitLine(first, data.resolve("first.log"), RUNNING);
            long orphan = postmasterPid(data);
            servers.add(orphan);
            writeBeforeTheCrash(kafka, s3, postgres);

            first.destroyForcibly();
            assertThat(first.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(Processes.isRunning(orphan)).as("PostgreSQL outlives the killed JVM").isTrue();

            Path secondLog = data.resolve("second.log");
            second = startInfra(data, ports, secondLog);
            awaitLine(second, secondLog, RUNNING);
            long fresh = postmasterPid(data);
            servers.add(fresh);
            assertThat(Files.readString(secondLog)).contains("stopped an orphaned PostgreSQL (pid " + orphan + ")");
            assertThat(Processes.isRunning(orphan)).as("the orphan is gone").isFalse();
            readAfterTheRestart(kafka, s3, postgres);

            second.destroy(); // SIGTERM, as Ctrl-C or a service manager would
            assertThat(second.waitFor(60, TimeUnit.SECONDS)).as("the JVM ends on SIGTERM").isTrue();
            assertThat(Processes.awaitEnd(fresh, Duration.ofSeconds(10))).as("PostgreSQL stops with its JVM").isTrue();
            assertThat(data.resolve("postgres/postmaster.pid")).as("PostgreSQL shut down cleanly").doesNotExist();
        } finally {
            for (Process p : new Process[] {first, second}) {
                if (p != null) {
                    p.destroyForcibly();
                }
            }
            servers.forEach(InfraRestartIT::killIfPostgres);
        }
    }

    private static void writeBeforeTheCrash(String kafka, S3Endpoint s3, PostgresEndpoint postgres) throws Exception {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka,
                ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>("infra-restart-probe", 0, "k", "before the crash")).get(30, TimeUnit.SECONDS);
        }
        try (S3Client client = s3Client(s3)) {
            client.putObject(b -> b.bucket(s3.bucket()).key("probe.txt"), RequestBody.fromString("before the crash", StandardCharsets.UTF_8));
        }
        try (Connection c = postgres.connect(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE probe (note text)");
            s.execute("INSERT INTO probe VALUES ('before the crash')");
        }
    }

    private static void readAfterTheRestart(String kafka, S3Endpoint s3, PostgresEndpoint postgres) throws Exception {
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new StringDeserializer(), new StringDeserializer())) {
            TopicPartition partition = new TopicPartition("infra-restart-probe", 0);
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            List<String> values = new ArrayList<>();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (values.isEmpty() && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                    values.add(r.value());
                }
            }
            assertThat(values).as("Kafka kept the record").containsExactly("before the crash");
        }
        try (S3Client client = s3Client(s3)) {
            assertThat(client.getObjectAsBytes(b -> b.bucket(s3.bucket()).key("probe.txt")).asUtf8String()).isEqualTo("before the crash");
        }
        try (Connection c = postgres.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT note FROM probe")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("before the crash");
        }
    }

    private static S3Client s3Client(S3Endpoint s3) {
        return S3Client.builder().endpointOverride(s3.endpoint()).region(Region.of(s3.region())).forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(s3.accessKey(), s3.secretKey())))
                .build();
    }

    private static Process startInfra(Path data, List<String> ports, Path log) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>(List.of(java, "-Xmx384m", "-cp", System.getProperty("java.class.path"),
                OffsiteCli.class.getName(), "infra", "--open", "--data", data.toString()));
        command.addAll(ports);
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    private static void awaitLine(Process child, Path log, String text) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(150);
        while (System.nanoTime() < deadline) {
            if (Files.exists(log) && Files.readString(log).contains(text)) {
                return;
            }
            if (!child.isAlive()) {
                throw new AssertionError("offsite infra ended with " + child.exitValue() + ":\n" + Files.readString(log));
            }
            Thread.sleep(200);
        }
        throw new AssertionError("offsite infra did not print '" + text + "' within 150 s:\n" + Files.readString(log));
    }

    private static long postmasterPid(Path data) throws Exception {
        return Long.parseLong(Files.readAllLines(data.resolve("postgres/postmaster.pid")).get(0).trim());
    }

    private static void killIfPostgres(long pid) {
        ProcessHandle.of(pid).filter(p -> p.info().command().map(c -> c.endsWith("/postgres")).orElse(false))
                .ifPresent(p -> {
                    p.descendants().forEach(ProcessHandle::destroyForcibly);
                    p.destroyForcibly();
                });
    }
}
