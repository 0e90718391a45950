package io.offsite.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.offsite.localstack.Ports;
import io.offsite.localstack.kafka.KafkaAccess;
import io.offsite.localstack.kafka.KafkaCredentials;
import io.offsite.localstack.kafka.KafkaProvisioning;
import io.offsite.localstack.kafka.KafkaProvisioning.Role;
import io.offsite.localstack.s3.S3Endpoint;
import io.offsite.worker.integrity.Sha256;
import io.offsite.worker.storage.ObjectStore;
import io.offsite.worker.storage.StorageProperties;
import io.offsite.worker.storage.StoredObject;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Collections;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code offsite local} followed by {@code offsite run backup-database}: the first thing a newcomer does. Kafka is
 * secure as it is by default: every service logs in as its own user with only the rights its role needs, so the
 * backup, the rotation it triggers and the replication run here with least privilege.
 */
class LocalSystemIT {

    @TempDir
    static Path data;

    static LocalOptions options;
    static LocalSystem system;

    @BeforeAll
    static void start() throws Exception {
        int http = Ports.freePort();
        options = new LocalOptions(data, Ports.freePort(), Ports.freePort(), Ports.freePort(), http, Ports.freePort(),
                Ports.freePort(), Ports.freePort(), false, true);
        system = new LocalSystem(options);
        system.start();
    }

    @AfterAll
    static void stop() {
        if (system != null) {
            system.close();
        }
    }

    @Test
    void runBackupDatabaseProducesAVerifiedBackup() throws Exception {
        assertThat(data.resolve("pokemon-data.sqlite3.db")).exists();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();

        int exit = new RunCommand(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8))
                .run(List.of("backup-database", "--timeout", "3m", "--api", "http://127.0.0.1:" + options.schedulerPort(),
                        "--kafka", options.bootstrapServers(), "--kafka-credentials", options.kafkaCredentials().toString(),
                        "--token-file", data.resolve(ApiToken.FILE_NAME).toString()));

        String printed = out.toString(StandardCharsets.UTF_8);
        assertThat(exit).as("exit code; stdout %s stderr %s", printed, err).isZero();
        assertThat(printed).contains("backup-database attempt 1: SUCCEEDED");
        String key = printed.lines().filter(l -> l.contains("s3://offsite-backups/")).findFirst().orElseThrow()
                .replaceAll(".*s3://offsite-backups/(\\S+).*", "$1");
        assertThat(key).matches("backup-database/pokemon-data-\\d{4}-\\d{2}-\\d{2}T\\d{2}-\\d{2}-\\d{2}\\.\\d{3}Z\\.sqlite3\\.db\\.gz");

        String metrics = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + options.backupPort() + "/actuator/prometheus")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString()).body();
        assertThat(metrics).containsPattern("backup_created_count_total\\{[^}]*job=\"backup-database\"[^}]*source=\"pokemon-data\"[^}]*} [1-9][0-9]*\\.0")
                .containsPattern("backup_verified_total\\{[^}]*job=\"backup-database\"[^}]*} [1-9][0-9]*\\.0")
                .containsPattern("backup_size_bytes\\{[^}]*job=\"backup-database\"")
                .contains("offsite_jobs_completed_total");
        try (ObjectStore store = new ObjectStore(StorageProperties.of(URI.create(options.s3Endpoint()),
                S3Endpoint.DEFAULT_ACCESS_KEY, S3Endpoint.DEFAULT_SECRET_KEY, S3Endpoint.DEFAULT_BUCKET))) {
            StoredObject stored = store.head(key).orElseThrow();
            try (InputStream in = store.open(key)) {
                assertThat(Sha256.of(in).sha256()).isEqualTo(stored.metadata().get("sha256"));
            }
            Path restored = data.resolve("restored.db");
            try (InputStream in = new GZIPInputStream(store.open(key))) {
                Files.copy(in, restored);
            }
            try (InputStream in = Files.newInputStream(restored)) {
                assertThat(Sha256.of(in).sha256()).isEqualTo(stored.metadata().get("source-sha256"));
            }
            try (var c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + restored); var s = c.createStatement();
                 var rs = s.executeQuery("PRAGMA integrity_check")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo("ok");
            }
            try (var c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + restored); var s = c.createStatement();
                 var rs = s.executeQuery("SELECT count(*) FROM pokemon_cards")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getLong(1)).isEqualTo(15_000);
            }
        }
    }

    @Test
    void everyWorkerShowsTheMetricsOfItsJobsFromTheStart() throws Exception {
        // the workers expect the scheduler's jobs of their types (offsite.worker.expected-jobs): each of their meters
        // exists at 0 before any run, so the first verification failure is an increase Prometheus sees
        assertThat(metrics(options.backupPort()))
                .containsPattern("backup_verification_failed_total\\{[^}]*job=\"verify-backups\"[^}]*source=\"pokemon-data\"[^}]*} 0\\.0")
                .containsPattern("backup_verification_failed_total\\{[^}]*job=\"backup-database\"[^}]*} 0\\.0")
                .containsPattern("offsite_jobs_completed_total\\{[^}]*job=\"verify-backups\"[^}]*status=\"FAILED\"[^}]*} 0\\.0");
        assertThat(metrics(options.rotationPort()))
                .containsPattern("offsite_jobs_completed_total\\{[^}]*job=\"rotate-backups\"[^}]*status=\"TIMED_OUT\"[^}]*} 0\\.0")
                .containsPattern("rotation_future_dated_backups\\{[^}]*series=\"pokemon-data\"[^}]*} 0\\.0");
        assertThat(metrics(options.replicationPort()))
                .containsPattern("rows_failed_total\\{[^}]*job=\"replicate-to-primary\"[^}]*table=\"pokemon_cards\"[^}]*} 0\\.0");
    }

    private static String metrics(int port) throws Exception {
        return java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/actuator/prometheus")).build(), java.net.http.HttpResponse.BodyHandlers.ofString()).body();
    }

    @Test
    void demoRunsTheWholeChainAndLeavesItsTraces() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();

        boolean ok = Demo.run(options, new PrintStream(out, true, StandardCharsets.UTF_8));

        assertThat(ok).as("demo output: %s", out).isTrue();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("rotate-backups SUCCEEDED", "replicate-to-primary SUCCEEDED");
        try (ObjectStore store = new ObjectStore(StorageProperties.of(URI.create(options.s3Endpoint()),
                S3Endpoint.DEFAULT_ACCESS_KEY, S3Endpoint.DEFAULT_SECRET_KEY, S3Endpoint.DEFAULT_BUCKET))) {
            assertThat(store.list("backup-database/")).anySatisfy(o -> assertThat(o.key()).endsWith(".sqlite3.db.gz"));
        }
        var pg = new io.offsite.localstack.postgres.PostgresEndpoint("127.0.0.1", options.postgresPort(), "pokemon_tcg", "pokemon", "pokemon");
        try (var c = pg.connect(); var s = c.createStatement(); var rs = s.executeQuery("SELECT (SELECT count(*) FROM sets), (SELECT count(*) FROM pokemon_cards)")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getLong(1)).isEqualTo(150);
            assertThat(rs.getLong(2)).isEqualTo(15_000);
        }
        java.util.List<String> completedJobs = new java.util.ArrayList<>();
        var deserializer = new io.offsite.events.serde.EventDeserializer();
        // the completions are on the event topic for the auditor, in a consumer group of its own
        var config = new java.util.HashMap<String, Object>(KafkaCredentials.load(options.kafkaCredentials()).orElseThrow()
                .access(Role.AUDITOR, options.bootstrapServers()).clientConfig());
        config.putAll(java.util.Map.of("group.id", KafkaProvisioning.AUDITOR_GROUP_PREFIX + "-demo", "auto.offset.reset", "earliest"));
        try (var consumer = new org.apache.kafka.clients.consumer.KafkaConsumer<String, byte[]>(config,
                new org.apache.kafka.common.serialization.StringDeserializer(), new org.apache.kafka.common.serialization.ByteArrayDeserializer())) {
            consumer.subscribe(java.util.List.of(io.offsite.events.Topics.JOB_EVENTS));
            long deadline = System.nanoTime() + java.time.Duration.ofSeconds(30).toNanos();
            while (System.nanoTime() < deadline && !completedJobs.containsAll(java.util.List.of("backup-database", "rotate-backups", "replicate-to-primary"))) {
                for (var record : consumer.poll(java.time.Duration.ofMillis(500))) {
                    if (deserializer.deserialize(record.topic(), record.value()) instanceof io.offsite.events.v1.JobCompleted c
                            && c.getStatus() == io.offsite.events.v1.JobStatus.SUCCEEDED) {
                        completedJobs.add(c.getJobName());
                    }
                }
            }
        }
        assertThat(completedJobs).contains("backup-database", "rotate-backups", "replicate-to-primary");
    }

    @Test
    void theInfrastructureLogsIntoTheDataFolderNotTheConsole() throws Exception {
        Path log = data.resolve("logs").resolve(InfrastructureLogs.FILE_NAME);
        assertThat(system.infrastructureLog()).isEqualTo(log);
        String text = Files.readString(log);
        // the broker's own INFO lines (its start, its configuration) are in the file
        assertThat(text).contains(" INFO ").containsPattern("(?m) INFO .*kafka\\.");
        ch.qos.logback.classic.Logger kafka = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("org.apache.kafka");
        assertThat(kafka.isAdditive()).as("Kafka's log stays off the root (console) appender").isFalse();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        system.printEndpoints(new PrintStream(out, true, StandardCharsets.UTF_8));
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("Logs", log.toString());
    }

    @Test
    void kafkaIsSecureByDefaultWithPrivateCredentials() throws Exception {
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(options.kafkaCredentials())))
                .isEqualTo("rw-------");
        assertThat(system.kafkaBanner()).contains(options.bootstrapServers(), "SCRAM-SHA-512", options.kafkaCredentials().toString())
                .doesNotContain("OPEN");
        KafkaCredentials credentials = KafkaCredentials.load(options.kafkaCredentials()).orElseThrow();
        assertThat(credentials.secure()).isTrue();
        // a client that does not log in, or logs in as the requester, cannot publish a completion
        var plain = new java.util.HashMap<String, Object>(KafkaAccess.open(options.bootstrapServers()).clientConfig());
        plain.put("max.block.ms", 3000);
        try (var producer = new org.apache.kafka.clients.producer.KafkaProducer<String, String>(plain,
                new org.apache.kafka.common.serialization.StringSerializer(), new org.apache.kafka.common.serialization.StringSerializer())) {
            assertThatThrownBy(() -> producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>(
                    io.offsite.events.Topics.JOB_EVENTS, "backup-database", "forged")).get()).isNotNull();
        }
        var requester = new java.util.HashMap<String, Object>(credentials.access(Role.REQUESTER, options.bootstrapServers()).clientConfig());
        requester.put("max.block.ms", 10000);
        try (var producer = new org.apache.kafka.clients.producer.KafkaProducer<String, String>(requester,
                new org.apache.kafka.common.serialization.StringSerializer(), new org.apache.kafka.common.serialization.StringSerializer())) {
            assertThatThrownBy(() -> producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>(
                    io.offsite.events.Topics.JOB_EVENTS, "backup-database", "forged")).get())
                    .hasCauseInstanceOf(org.apache.kafka.common.errors.TopicAuthorizationException.class);
        }
    }

    @Test
    void requestPublishesStraightToKafkaAsTheRequesterAndWaitsForTheWorker() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = OffsiteCli.run(List.of("request", "rotation", "rotate-backups", "--param", "series=pokemon-data", "--timeout", "2m",
                        "--kafka", options.bootstrapServers(), "--kafka-credentials", options.kafkaCredentials().toString()),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        String printed = out.toString(StandardCharsets.UTF_8);
        assertThat(exit).as("exit code; stdout %s stderr %s", printed, err).isZero();
        assertThat(printed).contains("Published ROTATION request rotate-backups@").contains("to offsite.requests.rotation")
                .contains("rotate-backups: SUCCEEDED in ");
    }

    @Test
    void unknownJobIsAnsweredClearly() throws Exception {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = OffsiteCli.run(List.of("run", "no-such-job", "--api", "http://127.0.0.1:" + options.schedulerPort(),
                "--kafka", options.bootstrapServers(), "--kafka-credentials", options.kafkaCredentials().toString(),
                        "--token-file", data.resolve(ApiToken.FILE_NAME).toString()), new PrintStream(new ByteArrayOutputStream()), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(exit).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("no-such-job").contains("404")
                .contains("no job 'no-such-job'")
                .contains("; jobs: backup-database, replicate-to-primary, rotate-backups, verify-backups");
    }

    @Test
    void theApiWantsTheTokenFromTheDataFolderAndRunSendsIt() throws Exception {
        assumeTrue(System.getenv(ApiToken.VARIABLE) == null, ApiToken.VARIABLE + " is set: the data folder holds no token");
        Path tokenFile = data.resolve(ApiToken.FILE_NAME);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(tokenFile))).isEqualTo("rw-------");
        String token = Files.readString(tokenFile).strip();
        assertThat(token).hasSizeGreaterThanOrEqualTo(40);
        URI jobs = URI.create("http://127.0.0.1:" + options.schedulerPort() + "/api/v1/jobs");
        HttpClient http = HttpClient.newHttpClient();
        assertThat(http.send(HttpRequest.newBuilder(jobs).build(), HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(401);
        assertThat(http.send(HttpRequest.newBuilder(jobs).header("Authorization", "Bearer " + token).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);

        // run without the token file, and with a wrong token: a clear refusal, no run
        for (String content : new String[] {null, "not-the-token-0123456789"}) {
            Path file = data.resolve("elsewhere-" + (content == null ? "missing" : "wrong"));
            if (content != null) {
                Files.writeString(file, content);
            }
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            int exit = OffsiteCli.run(List.of("run", "backup-database", "--no-wait", "--api", "http://127.0.0.1:" + options.schedulerPort(),
                    "--token-file", file.toString()), new PrintStream(new ByteArrayOutputStream()), new PrintStream(err, true, StandardCharsets.UTF_8));
            assertThat(exit).isEqualTo(2);
            assertThat(err.toString(StandardCharsets.UTF_8)).contains("(HTTP 401): set OFFSITE_SCHEDULER_API_TOKEN")
                    .contains(content == null ? "refused a call without its API token" : "refused the API token")
                    .contains(file.toString());
        }
    }

    @Test
    void everyServiceListensOnLoopbackOnly() throws Exception {
        int[] ports = {options.schedulerPort(), options.backupPort(), options.rotationPort(), options.replicationPort()};
        for (int port : ports) {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 2_000);
            }
        }
        InetAddress outside = reachableNonLoopbackAddress();
        assumeTrue(outside != null, "this machine has no non-loopback address to check the binding from");
        for (int port : ports) {
            assertThatThrownBy(() -> {
                try (Socket socket = new Socket()) {
                    socket.connect(new InetSocketAddress(outside, port), 2_000);
                }
            }).as("port %d on %s", port, outside.getHostAddress()).isInstanceOf(ConnectException.class);
        }
    }

    /** A non-loopback address of this machine on which a socket listening on all interfaces is reachable, or null. */
    private static InetAddress reachableNonLoopbackAddress() throws Exception {
        for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (!nic.isUp() || nic.isLoopback()) {
                continue;
            }
            for (InetAddress address : Collections.list(nic.getInetAddresses())) {
                if (address.isLoopbackAddress() || address.isLinkLocalAddress()) {
                    continue;
                }
                try (ServerSocket everywhere = new ServerSocket(0); Socket probe = new Socket()) {
                    probe.connect(new InetSocketAddress(address, everywhere.getLocalPort()), 2_000);
                    return address;
                } catch (java.io.IOException e) {
                    // not usable from here; try the next
                }
            }
        }
        return null;
    }

    @Test
    void secondSystemOnTheSamePortsSaysWhatToDo() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        LocalSystem second = new LocalSystem(options);
        try {
            second.start();
            throw new AssertionError("a second system started on ports in use");
        } catch (Exception e) {
            assertThat(OffsiteCli.rootMessage(e)).contains("port is in use").contains("--kafka-port");
        } finally {
            second.close();
        }
        assertThat(err.size()).isZero();
    }
}
