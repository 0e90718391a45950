package io.offsite.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.offsite.localstack.Ports;
import io.offsite.localstack.s3.S3Endpoint;
import io.offsite.worker.integrity.Sha256;
import io.offsite.worker.storage.ObjectStore;
import io.offsite.worker.storage.StorageProperties;
import io.offsite.worker.storage.StoredObject;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's shell examples, run as a reader runs them, with their printed output compared to the README's sample
 * outputs ({@link SampleOutput}): an example cannot drift from what the program does.
 *
 * <p>Blocks are marked in README.md: {@code <!-- example: NAME -->} before the commands, {@code <!-- output: NAME -->}
 * before what they print. Each example runs in {@code bash -e -o pipefail}, in a scratch folder that plays the project
 * root: its {@code bin/offsite} runs this build's command line (the classes under test, no jar or Maven needed), its
 * {@code data/} is the data folder of an {@code offsite local} started for this test on free loopback ports. What
 * differs from a reader's terminal, and only that:
 * <ul>
 *   <li>the ports: in the commands {@code 127.0.0.1:9000} (S3), {@code :8080} (API), {@code :9092} (Kafka),
 *       {@code :5433} (PostgreSQL) become the test's, and {@code OFFSITE_API} and {@code S3_ENDPOINT} name them for
 *       the commands that use the defaults; in the output they are turned back;</li>
 *   <li>the backup key the README's commands name ({@code backup-database/pokemon-data-<instant>.sqlite3.db.gz}) becomes
 *       the newest backup in the bucket;</li>
 *   <li>the scratch folder is shown as {@code /home/me/offsite} in the output;</li>
 *   <li>a block runs after the {@code export} lines of the blocks above it, as in one terminal; the AWS CLI reads no
 *       configuration file.</li>
 * </ul>
 * Blocks that need the AWS CLI are skipped, saying so, where {@code aws} is not on the PATH (Debian: {@code awscli}).
 * What each block printed is kept in {@code target/readme-examples/}; with {@code -Dreadme.update=true} the test writes
 * it into the README's sample outputs instead of comparing (and the sample key in the commands with it).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ReadmeExamplesIT {

    static final Path README = DeploymentConsistencyTest.ROOT.resolve("README.md");
    static final String SAMPLE_HOME = "/home/me/offsite";
    static final Pattern SAMPLE_KEY = Pattern.compile(
            "backup-database/pokemon-data-\\d{4}-\\d{2}-\\d{2}T\\d{2}-\\d{2}-\\d{2}\\.\\d{3}Z\\.sqlite3\\.db\\.gz");
    static final boolean UPDATE = Boolean.getBoolean("readme.update");
    static final Duration START_TIMEOUT = Duration.ofMinutes(5);
    static final Duration BLOCK_TIMEOUT = Duration.ofMinutes(4);
    static final Path RECORDED = Path.of("target", "readme-examples");

    @TempDir
    static Path work;

    static ReadmeExamples readme;
    static Process local;
    static Path localLog;
    static int kafkaPort;
    static int s3Port;
    static int postgresPort;
    static int httpPort;
    static final Map<String, List<String>> updatedOutputs = new LinkedHashMap<>();
    static final Map<String, String> updatedKeys = new LinkedHashMap<>();

    @BeforeAll
    static void startLocalSystem() throws Exception {
        readme = ReadmeExamples.parse(Files.readString(README));
        Files.createDirectories(RECORDED);
        Path bin = Files.createDirectories(work.resolve("bin"));
        Path offsite = bin.resolve("offsite");
        // the project's bin/offsite, minus its build step: this build's classes are the program under test
        Files.writeString(offsite, """
                #!/usr/bin/env bash
                exec "$OFFSITE_TEST_JAVA" -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -cp "$OFFSITE_TEST_CLASSPATH" io.offsite.launcher.OffsiteCli "$@"
                """);
        Files.setPosixFilePermissions(offsite, PosixFilePermissions.fromString("rwxr-xr-x"));

        kafkaPort = Ports.freePort();
        s3Port = Ports.freePort();
        postgresPort = Ports.freePort();
        httpPort = freePortRun(4); // the scheduler and the three workers take four ports in a row
        localLog = RECORDED.resolve("local.log").toAbsolutePath();
        ProcessBuilder builder = new ProcessBuilder(java(), "-cp", classpath(), "io.offsite.launcher.OffsiteCli", "local",
                "--data", work.resolve("data").toString(), "--kafka-port", String.valueOf(kafkaPort), "--s3-port", String.valueOf(s3Port),
                "--postgres-port", String.valueOf(postgresPort), "--http-port", String.valueOf(httpPort))
                .directory(work.toFile()).redirectErrorStream(true).redirectOutput(localLog.toFile());
        cleanEnvironment(builder.environment());
        local = builder.start();
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (!text(localLog).contains("Offsite is running")) {
            if (!local.isAlive()) {
                fail("offsite local exited with " + local.exitValue() + ":\n" + tail(localLog));
            }
            if (System.nanoTime() > deadline) {
                fail("offsite local did not start within " + START_TIMEOUT + ":\n" + tail(localLog));
            }
            Thread.sleep(500);
        }
    }

    @AfterAll
    static void stopLocalSystem() throws Exception {
        try {
            if (local != null) {
                stop(local.toHandle());
            }
        } finally {
            if (UPDATE && readme != null) {
                writeUpdatedReadme();
            }
        }
    }

    @Test
    @Order(1)
    void quickStartRunsABackupAndTheWorkerLogsIt() throws Exception {
        long logStart = Files.size(localLog);

        expect("quick-start-run", run("quick-start-run"));

        List<String> workerLog = new ArrayList<>();
        byte[] logBytes = Files.readAllBytes(localLog);
        String log = new String(logBytes, (int) logStart, logBytes.length - (int) logStart, StandardCharsets.UTF_8);
        Matcher m = Pattern.compile("(?m)^\\d\\d:\\d\\d:\\d\\d\\.\\d{3} INFO +job +(\\[backup-database\\] .*)$").matcher(log);
        while (m.find()) {
            workerLog.add(fromTest(m.group(1)));
        }
        expect("quick-start-worker-log", workerLog);
        awaitVerified(newestBackup().key());
    }

    @Test
    @Order(2)
    void theAwsCliListsTheBackupAndItsMetadata() throws Exception {
        assumeAws();
        expect("aws-listing", run("aws-listing"));
    }

    @Test
    @Order(3)
    void backupsListsItAndRestoreReplacesTheDatabase() throws Exception {
        StoredObject backup = newestBackup();

        expect("restore", run("restore"));

        try (Stream<Path> files = Files.list(work.resolve("data"))) {
            assertThat(files.map(p -> p.getFileName().toString())).as("the current database kept before the restore")
                    .anyMatch(n -> n.startsWith("pokemon-data.sqlite3.db.pre-restore-"));
        }
        assertThat(sha256(work.resolve("data/pokemon-data.sqlite3.db"))).as("the restored database is the backup's snapshot")
                .isEqualTo(backup.metadata().get("source-sha256"));
    }

    @Test
    @Order(4)
    void aBackupRestoresByHand() throws Exception {
        assumeAws();
        StoredObject backup = newestBackup();

        expect("restore-by-hand", run("restore-by-hand"));

        assertThat(work.resolve("data/pokemon-data.sqlite3.db.old")).exists();
        // the README: "sha256sum restore.db must print" the object's source-sha256
        assertThat(sha256(work.resolve("data/pokemon-data.sqlite3.db"))).isEqualTo(backup.metadata().get("source-sha256"));
    }

    @Test
    @Order(5)
    void planRetentionOverARawListingKeepsEveryBackupAndSkipsSidecars() throws Exception {
        // two more backups, each verified, so the listing holds three backups and a .sha256 and .verified beside each
        for (int i = 0; i < 2; i++) {
            CliRun run = CliRun.of("run", "backup-database", "--timeout", "3m", "--api", "http://127.0.0.1:" + httpPort,
                    "--kafka-credentials", work.resolve("data/kafka-credentials.properties").toString(),
                    "--token-file", work.resolve("data/api-token").toString());
            assertThat(run.exit()).as("offsite run backup-database: %s %s", run.out(), run.err()).isZero();
            awaitVerified(newestBackup().key());
        }
        assumeAws();

        List<String> plan = run("plan-retention");

        if (backupDays() == 1) {
            expect("plan-retention", plan);
        } else {
            System.err.println("ReadmeExamplesIT: the backups straddle midnight UTC, so the plan's reasons differ from the sample's;"
                    + " only what the plan keeps is checked");
        }
        List<String> backups = backups().stream().map(o -> o.key().substring(o.key().lastIndexOf('/') + 1)).toList();
        assertThat(backups).hasSize(3);
        for (String name : backups) {
            assertThat(plan).as("the plan keeps %s", name).anyMatch(line -> line.startsWith("keep " + name + " "));
        }
        assertThat(plan).noneMatch(line -> line.startsWith("delete ")).noneMatch(line -> line.contains(".sha256 ") || line.contains(".verified "));
    }

    /** The three backups' UTC days: the sample's reasons (daily, weekly, monthly for the first) hold for one day. */
    static long backupDays() {
        return backups().stream().map(o -> o.key().replaceAll(".*pokemon-data-(\\d{4}-\\d{2}-\\d{2})T.*", "$1")).distinct().count();
    }

    @Test
    @Order(6)
    void schemaPrintsTheShippedSchemaAndASampleRequest() throws Exception {
        expect("schema-avsc", run("schema-avsc"));
        assertThat(Files.readString(work.resolve("JobRequested.avsc")))
                .isEqualTo(Files.readString(DeploymentConsistencyTest.ROOT.resolve("schemas/avsc/JobRequested.avsc")));

        expect("schema-example", run("schema-example"));
    }

    // ------------------------------------------------------------------------------------------------ running blocks

    /** Runs an example block as the README shows it (see the class comment for what is substituted); its output lines. */
    static List<String> run(String name) throws Exception {
        ReadmeExamples.Block block = readme.example(name);
        StringBuilder script = new StringBuilder();
        for (ReadmeExamples.Block earlier : readme.examples().values()) {
            if (earlier.open() < block.open()) {
                earlier.lines().stream().filter(l -> l.startsWith("export ")).forEach(l -> script.append(l).append('\n'));
            }
        }
        String commands = block.text();
        Matcher key = SAMPLE_KEY.matcher(commands);
        if (key.find()) {
            String newest = newestBackup().key();
            updatedKeys.put(key.group(), newest);
            commands = SAMPLE_KEY.matcher(commands).replaceAll(Matcher.quoteReplacement(newest));
        }
        script.append(toTest(commands));

        Path output = work.resolve("output-" + name + ".txt");
        ProcessBuilder builder = new ProcessBuilder("bash", "--noprofile", "--norc", "-e", "-o", "pipefail", "-c", script.toString())
                .directory(work.toFile()).redirectErrorStream(true).redirectOutput(output.toFile());
        Map<String, String> env = builder.environment();
        cleanEnvironment(env);
        env.put("OFFSITE_API", "http://127.0.0.1:" + httpPort);
        env.put("S3_ENDPOINT", "http://127.0.0.1:" + s3Port);
        env.put("OFFSITE_TEST_JAVA", java());
        env.put("OFFSITE_TEST_CLASSPATH", classpath());
        env.put("AWS_CONFIG_FILE", work.resolve("no-aws-config").toString());
        env.put("AWS_SHARED_CREDENTIALS_FILE", work.resolve("no-aws-credentials").toString());
        env.put("AWS_PAGER", "");
        Process bash = builder.start();
        boolean finished = bash.waitFor(BLOCK_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        if (!finished) {
            stop(bash.toHandle());
        }
        String printed = text(output);
        List<String> lines = SampleOutput.asShown(fromTest(printed));
        Files.write(RECORDED.resolve(name + ".txt"), lines);
        assertThat(finished).as("the '%s' example finished within %s; it printed:%n%s", name, BLOCK_TIMEOUT, printed).isTrue();
        assertThat(bash.exitValue()).as("exit status of the '%s' example:%n%s%nprinted:%n%s", name, script, printed).isZero();
        return lines;
    }

    /** Compares what was printed with the README's sample output of that name, or records it with -Dreadme.update=true. */
    static void expect(String name, List<String> printed) throws IOException {
        Files.write(RECORDED.resolve(name + ".txt"), printed);
        if (UPDATE) {
            updatedOutputs.put(name, printed);
            return;
        }
        Optional<String> difference = SampleOutput.difference(readme.output(name).lines(), printed);
        if (difference.isPresent()) {
            fail("the README's sample output '" + name + "' is not what its example printed (rerun with -Dreadme.update=true"
                    + " to take the new output): " + difference.get());
        }
    }

    /** The README's commands with the test's ports. */
    static String toTest(String commands) {
        return commands.replaceAll("127\\.0\\.0\\.1:9000\\b", "127.0.0.1:" + s3Port)
                .replaceAll("127\\.0\\.0\\.1:8080\\b", "127.0.0.1:" + httpPort)
                .replaceAll("127\\.0\\.0\\.1:9092\\b", "127.0.0.1:" + kafkaPort)
                .replaceAll("127\\.0\\.0\\.1:5433\\b", "127.0.0.1:" + postgresPort);
    }

    /** Output as a reader of the README would see it: default ports, the project in /home/me/offsite. */
    static String fromTest(String output) throws IOException {
        return output.replace(work.toRealPath().toString(), SAMPLE_HOME).replace(work.toString(), SAMPLE_HOME)
                .replaceAll("127\\.0\\.0\\.1:" + s3Port + "\\b", "127.0.0.1:9000")
                .replaceAll("127\\.0\\.0\\.1:" + httpPort + "\\b", "127.0.0.1:8080")
                .replaceAll("127\\.0\\.0\\.1:" + kafkaPort + "\\b", "127.0.0.1:9092")
                .replaceAll("127\\.0\\.0\\.1:" + postgresPort + "\\b", "127.0.0.1:5433");
    }

    static void writeUpdatedReadme() throws IOException {
        String text = Files.readString(README);
        for (Map.Entry<String, List<String>> output : updatedOutputs.entrySet()) {
            ReadmeExamples current = ReadmeExamples.parse(text);
            text = current.withBlock(current.output(output.getKey()), output.getValue());
        }
        for (String name : List.copyOf(ReadmeExamples.parse(text).examples().keySet())) {
            ReadmeExamples current = ReadmeExamples.parse(text);
            List<String> lines = new ArrayList<>(current.example(name).lines());
            for (Map.Entry<String, String> key : updatedKeys.entrySet()) {
                lines.replaceAll(l -> l.replace(key.getKey(), key.getValue()));
            }
            text = current.withBlock(current.example(name), lines);
        }
        Files.writeString(README, text);
    }

    // ----------------------------------------------------------------------------------------------------- the bucket

    static ObjectStore store() {
        return new ObjectStore(StorageProperties.of(URI.create("http://127.0.0.1:" + s3Port), S3Endpoint.DEFAULT_ACCESS_KEY,
                S3Endpoint.DEFAULT_SECRET_KEY, S3Endpoint.DEFAULT_BUCKET));
    }

    static List<StoredObject> backups() {
        try (ObjectStore store = store()) {
            return store.list("backup-database/").stream().filter(o -> o.key().endsWith(".sqlite3.db.gz")).toList();
        }
    }

    static StoredObject newestBackup() {
        String key = backups().stream().map(StoredObject::key).max(String::compareTo)
                .orElseThrow(() -> new AssertionError("no backup in the bucket: the quick start's example did not make one"));
        try (ObjectStore store = store()) {
            return store.head(key).orElseThrow();
        }
    }

    /** Waits for the verification that every backup triggers to record its result beside the backup. */
    static void awaitVerified(String key) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        try (ObjectStore store = store()) {
            while (store.head(key + ".verified").isEmpty()) {
                if (System.nanoTime() > deadline) {
                    fail("no " + key + ".verified within 2 minutes:\n" + tail(localLog));
                }
                Thread.sleep(250);
            }
        }
    }

    static String sha256(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return Sha256.of(in).sha256();
        }
    }

    // ------------------------------------------------------------------------------------------------------ processes

    static void assumeAws() {
        assumeTrue(onPath("aws"), "the AWS CLI ('aws') is not on the PATH, so the README's aws examples are not run "
                + "(Debian: apt-get install awscli)");
    }

    static boolean onPath(String tool) {
        String path = System.getenv("PATH");
        return path != null && Stream.of(path.split(File.pathSeparator)).anyMatch(d -> Files.isExecutable(Path.of(d, tool)));
    }

    static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** Surefire runs tests from a manifest-only jar: the real classpath is in surefire.test.class.path. */
    static String classpath() {
        return System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    }

    /** The environment of a reader with no Offsite, S3, Kafka or PostgreSQL settings of their own. */
    static void cleanEnvironment(Map<String, String> env) {
        env.keySet().removeIf(k -> k.startsWith("OFFSITE_") || k.startsWith("S3_") || k.startsWith("AWS_")
                || k.startsWith("KAFKA_") || k.startsWith("POSTGRES_") || k.startsWith("PG"));
    }

    /** Stops a process this test started and whatever it started: SIGTERM, then after a minute SIGKILL, by process id. */
    static void stop(ProcessHandle process) throws InterruptedException {
        List<ProcessHandle> children = process.descendants().toList();
        process.destroy();
        try {
            process.onExit().get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            process.destroyForcibly();
        }
        for (ProcessHandle child : children) {
            if (child.isAlive()) {
                child.destroy();
                try {
                    child.onExit().get(15, TimeUnit.SECONDS);
                } catch (Exception e) {
                    child.destroyForcibly();
                }
            }
        }
    }

    /** The first of {@code count} consecutive loopback ports that were all free a moment ago. */
    static int freePortRun(int count) {
        for (int attempt = 0; attempt < 50; attempt++) {
            int first = Ports.freePort();
            if (first + count - 1 > 65535) {
                continue;
            }
            boolean free = true;
            for (int port = first + 1; port < first + count && free; port++) {
                try (ServerSocket socket = new ServerSocket()) {
                    socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
                } catch (IOException e) {
                    free = false;
                }
            }
            if (free) {
                return first;
            }
        }
        throw new IllegalStateException("found no " + count + " consecutive free loopback ports");
    }

    static String tail(Path file) {
        List<String> lines = text(file).lines().toList();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    }

    /** A file a process is still writing: a character cut in half at its end is shown replaced, not refused. */
    static String text(Path file) {
        try {
            return new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
