package io.offsite.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.offsite.backup.support.WorkerInfrastructure;
import io.offsite.events.Topics;
import io.offsite.events.serde.EventSchemas;
import io.offsite.events.serde.EventSerializer;
import io.offsite.events.serde.PortableSchema;
import io.offsite.events.v1.Artifact;
import io.offsite.events.v1.JobCompleted;
import io.offsite.events.v1.JobError;
import io.offsite.events.v1.JobRequested;
import io.offsite.events.v1.JobStatus;
import io.offsite.localstack.LocalStack;
import io.offsite.localstack.demo.DemoDatabase;
import io.offsite.localstack.kafka.EventProbe;
import io.offsite.worker.storage.ObjectStore;
import io.offsite.worker.storage.StoredObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The Python example client ({@code clients/python/offsite_client.py}, built on the shipped {@code .avsc} files only)
 * against the real broker, S3 API and a real backup worker: its requests are read by Java, the worker's events by
 * Python. Skipped when python3-confluent-kafka and python3-avro are not installed.
 */
@SpringBootTest(classes = BackupWorkerApplication.class, webEnvironment = SpringBootTest.WebEnvironment.NONE,
        properties = "spring.config.name=backup-worker")
@DirtiesContext
class PythonClientIT {

    static final Duration RUN = Duration.ofSeconds(150);
    static final String PACKAGES = "python3-confluent-kafka python3-avro";

    @TempDir
    static Path dir;

    static Path client;
    static String python;
    static EventProbe probe;
    static ObjectStore store;

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        WorkerInfrastructure.register(registry, dir);
        WorkerInfrastructure.sqliteSource(registry, "python-data", dir.resolve("python-data.db"), "python-backups", "python-data");
    }

    @BeforeAll
    static void start() throws IOException {
        client = repositoryRoot().resolve("clients/python/offsite_client.py");
        python = pythonWithPackages();
        assumeTrue(python != null, "the Python client test needs " + PACKAGES + " importable by /usr/bin/python3 or python3"
                + " (apt-get install " + PACKAGES + "; or set OFFSITE_PYTHON to an interpreter that has them): skipped");
        DemoDatabase.create(dir.resolve("python-data.db"), 10, 500, 11L);
        probe = new EventProbe(LocalStack.kafka().bootstrapServers());
        store = WorkerInfrastructure.objectStore();
    }

    @AfterAll
    static void stop() {
        if (probe != null) {
            probe.close();
        }
        if (store != null) {
            store.close();
        }
    }

    @Test
    void pythonRequestsABackupAndReadsItsOutcome() throws Exception {
        Result result = client("backup", "python-job", "--source", "python-data",
                "--bootstrap-servers", LocalStack.kafka().bootstrapServers(), "--timeout", "120");

        assertThat(result.exit()).as("exit code of the Python client:%n%s", result.output()).isZero();
        assertThat(result.output()).contains("published JobRequested runId=python-job@")
                .contains("header " + HexFormat.ofDelimiter(" ").formatHex(PortableSchema.header(JobRequested.getClassSchema())))
                .contains("started: attempt 1 on backup-worker@")
                .contains("completed: SUCCEEDED");
        String runId = match(result.output(), "runId=(\\S+) to " + Topics.REQUESTS_BACKUP);
        String key = match(result.output(), "stored: s3://" + LocalStack.s3().bucket() + "/(\\S+) \\(");
        assertThat(key).startsWith("python-backups/python-data-").endsWith(".gz");

        JobCompleted seenByJava = probe.awaitCompletion(runId, Duration.ofSeconds(10));
        assertThat(seenByJava.getStatus()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(seenByJava.getArtifacts()).extracting(Artifact::getKey).containsExactly(key);
        assertThat(result.output()).contains("sha256 " + seenByJava.getArtifacts().get(0).getSha256());
        StoredObject stored = store.head(key).orElseThrow(() -> new AssertionError("no object " + key + " in the bucket"));
        assertThat(stored.metadata()).containsEntry("run-id", runId).containsEntry("source", "python-data");
        assertThat(stored.size()).isEqualTo(seenByJava.getArtifacts().get(0).getSizeBytes());
    }

    @Test
    void aRequestTheWorkerRefusesEndsTheClientWithTheReason() throws Exception {
        Result result = client("backup", "python-job", "--source", "no-such-source",
                "--bootstrap-servers", LocalStack.kafka().bootstrapServers(), "--timeout", "120");

        assertThat(result.exit()).as("exit code of the Python client:%n%s", result.output()).isEqualTo(1);
        assertThat(result.output()).contains("completed: REJECTED").contains("error: ").contains("no-such-source");
    }

    @Test
    void pythonDecodesWhatJavaWrites() throws Exception {
        Instant t0 = Instant.parse("2025-01-15T00:00:00Z");
        JobCompleted completed = JobCompleted.newBuilder()
                .setRunId("backup-database@2025-01-15T00:00:00Z").setJobName("backup-database").setJobType("BACKUP")
                .setAttempt(2).setStatus(JobStatus.PARTIALLY_FAILED).setRetryable(true).setStartedAt(t0)
                .setFinishedAt(t0.plusMillis(3_250)).setWorker("backup-worker@host:1")
                .setError(new JobError("STORAGE_UNAVAILABLE", "S3 endpoint refused the connection"))
                .setArtifacts(List.of(new Artifact("offsite-backups", "backup-database/x.gz", 12L, "ab", 40L, "gzip", null)))
                .setStats(Map.of("bytes_read", 40L)).setMessage("één regel").setScheduledFor(null).build();
        String hex = HexFormat.of().formatHex(new EventSerializer().serialize(Topics.JOB_EVENTS, completed));

        Result result = clientWithInput(hex + "\n", "decode");

        assertThat(result.exit()).as(result.output()).isZero();
        assertThat(result.output()).contains("\"event\": \"JobCompleted\"")
                .contains("\"status\": \"PARTIALLY_FAILED\"", "\"attempt\": 2", "\"retryable\": true")
                .contains("\"startedAt\": \"2025-01-15T00:00:00.000Z\"", "\"finishedAt\": \"2025-01-15T00:00:03.250Z\"")
                .contains("\"scheduledFor\": null", "\"sourceSha256\": null", "\"stats\": {\"bytes_read\": 40}")
                .contains("\"type\": \"STORAGE_UNAVAILABLE\"", "\"key\": \"backup-database/x.gz\"")
                .contains("\"message\": \"\\u00e9\\u00e9n regel\"");
    }

    @Test
    void pythonComputesTheFingerprintsJavaWritesWhereItsAvroLibraryWouldNot() throws Exception {
        Result result = client("fingerprints");

        assertThat(result.exit()).as(result.output()).isZero();
        for (Schema schema : PortableSchema.events()) {
            assertThat(result.output()).contains(schema.getFullName() + " " + String.format("%016x", EventSchemas.fingerprint(schema))
                    + " header " + HexFormat.ofDelimiter(" ").formatHex(PortableSchema.header(schema)));
        }
        // the library's own canonical form keeps {"type":"long"} for timestamp-millis: the pitfall the client avoids
        assertThat(result.output()).contains("python3-avro's canonical_form would give");
    }

    @Test
    void credentialsTheBrokerDoesNotAcceptEndTheClientWithAClearMessage() throws Exception {
        Result result = client(Map.of("KAFKA_USERNAME", "someone", "KAFKA_PASSWORD", "secret"), "",
                "backup", "python-job", "--source", "python-data",
                "--bootstrap-servers", LocalStack.kafka().bootstrapServers(), "--timeout", "60");

        assertThat(result.exit()).as(result.output()).isEqualTo(2);
        assertThat(result.output()).contains("offsite_client: Kafka refused the client").contains("SASL SCRAM-SHA-512")
                .doesNotContain("secret").doesNotContain("Traceback");
    }

    record Result(int exit, String output) {
    }

    static Result client(String... args) throws Exception {
        return client(Map.of(), "", args);
    }

    static Result clientWithInput(String stdin, String... args) throws Exception {
        return client(Map.of(), stdin, args);
    }

    static Result client(Map<String, String> env, String stdin, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(python, client.toString()));
        command.addAll(List.of(args));
        Path log = Files.createTempFile(dir, "python-client-", ".log");
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().keySet().removeIf(k -> k.startsWith("KAFKA_"));
        builder.environment().putAll(env);
        Process process = builder.start();
        try (var in = process.getOutputStream()) {
            in.write(stdin.getBytes(StandardCharsets.UTF_8));
        }
        if (!process.waitFor(RUN.toSeconds(), TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            throw new AssertionError("the Python client did not end within " + RUN + ":\n" + Files.readString(log));
        }
        Result result = new Result(process.exitValue(), Files.readString(log));
        System.out.printf("$ %s%n%s(exit %d)%n", String.join(" ", args), result.output(), result.exit());
        return result;
    }

    static String match(String output, String regex) {
        Matcher m = Pattern.compile(regex).matcher(output);
        assertThat(m.find()).as("%s in:%n%s", regex, output).isTrue();
        return m.group(1);
    }

    /** The first interpreter that imports both packages: OFFSITE_PYTHON, Debian's, then the one on the PATH. */
    static String pythonWithPackages() {
        for (String candidate : Stream.of(System.getenv("OFFSITE_PYTHON"), "/usr/bin/python3", "python3")
                .filter(Objects::nonNull).distinct().toList()) {
            try {
                Process p = new ProcessBuilder(candidate, "-c", "import avro.io, avro.schema, confluent_kafka")
                        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
                if (p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0) {
                    return candidate;
                }
                p.destroyForcibly();
            } catch (IOException e) {
                // not installed there
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }
        return null;
    }

    static Path repositoryRoot() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("clients/python/offsite_client.py"))) {
                return p;
            }
        }
        throw new IllegalStateException("clients/python/offsite_client.py not found above " + Path.of("").toAbsolutePath());
    }
}
