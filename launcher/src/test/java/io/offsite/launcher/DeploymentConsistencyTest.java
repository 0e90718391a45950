package io.offsite.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.offsite.localstack.kafka.KafkaProvisioning;
import io.offsite.localstack.kafka.KafkaProvisioning.Role;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * No Docker engine runs where the tests run, so this checks the compose deployment against what the services
 * really read: every environment variable a service is given appears in its configuration, its port is the one
 * it listens on, health checks and Prometheus look there, and every secret the file uses is in .env.example. It also
 * holds the deployment to least privilege and a pinned supply chain: every secret is required ({@code ${VAR:?message}}),
 * every image and base image is pinned to an exact version or digest, each worker's MinIO policy allows only the S3
 * actions its code uses, and the Maven wrapper checks the distribution it downloads.
 */
class DeploymentConsistencyTest {

    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    static final Map<String, Object> COMPOSE = load(ROOT.resolve("docker-compose.yml"));
    static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Z0-9_]+)");

    @SuppressWarnings("unchecked")
    static Map<String, Object> load(Path file) {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        try (InputStream in = Files.newInputStream(file)) {
            return (Map<String, Object>) new Yaml(options).load(in);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> service(String name) {
        Map<String, Object> services = (Map<String, Object>) COMPOSE.get("services");
        assertThat(services).as("services of docker-compose.yml").containsKey(name);
        return (Map<String, Object>) services.get(name);
    }

    static String config(String service) throws IOException {
        try (InputStream in = DeploymentConsistencyTest.class.getResourceAsStream("/" + service + ".yml")) {
            assertThat(in).as("%s.yml on the classpath", service).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    static Set<String> placeholders(String text) {
        Set<String> names = new LinkedHashSet<>();
        Matcher m = PLACEHOLDER.matcher(text);
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }

    @ParameterizedTest
    @ValueSource(strings = {"scheduler-service", "backup-worker", "rotation-worker", "replication-worker"})
    @SuppressWarnings("unchecked")
    void everyVariableAServiceIsGivenIsOneItReads(String name) throws IOException {
        Map<String, Object> env = (Map<String, Object>) service(name).get("environment");
        Set<String> read = placeholders(config(name));
        for (String variable : env.keySet()) {
            assertThat(read).as("%s is given %s but its %s.yml never reads it", name, variable, name).contains(variable);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"scheduler-service", "backup-worker", "rotation-worker", "replication-worker"})
    @SuppressWarnings("unchecked")
    void portsHealthChecksAndScrapeTargetsAgree(String name) throws IOException {
        Matcher port = Pattern.compile("\\$\\{SERVER_PORT:(\\d+)}").matcher(config(name));
        assertThat(port.find()).as("%s.yml takes its port from SERVER_PORT", name).isTrue();
        String listens = port.group(1);
        Map<String, Object> service = service(name);
        assertThat(String.valueOf(((Map<String, Object>) service.get("environment")).get("SERVER_PORT"))).isEqualTo(listens);
        assertThat(String.join(" ", (List<String>) ((Map<String, Object>) service.get("healthcheck")).get("test")))
                .contains("http://localhost:" + listens + "/actuator/health");
        Map<String, Object> build = (Map<String, Object>) service.get("build");
        assertThat(((Map<String, Object>) build.get("args")).get("SERVICE")).isEqualTo(name);
        assertThat(ROOT.resolve(name).resolve("pom.xml")).exists();
        String prometheus = Files.readString(ROOT.resolve("deploy/prometheus.yml"));
        assertThat(prometheus).contains("names: [" + name + "], type: A, port: " + listens + "}");
    }

    @Test
    void everySecretTheComposeFileUsesIsInTheEnvExample() throws IOException {
        String compose = Files.readString(ROOT.resolve("docker-compose.yml")).replace("$$", "");
        Set<String> example = new LinkedHashSet<>();
        for (String line : Files.readAllLines(ROOT.resolve(".env.example"))) {
            if (!line.isBlank() && !line.startsWith("#")) {
                example.add(line.substring(0, line.indexOf('=')));
            }
        }
        assertThat(example).containsAll(placeholders(compose));
    }

    @ParameterizedTest
    @ValueSource(strings = {"scheduler-service", "backup-worker", "rotation-worker", "replication-worker"})
    @SuppressWarnings("unchecked")
    void everyServiceLogsInToKafkaAsItsOwnUserWithThePasswordKafkaSetupGaveIt(String name) {
        Map<String, Object> env = (Map<String, Object>) service(name).get("environment");
        Role role = Role.ofUser(String.valueOf(env.get("KAFKA_USERNAME")));
        assertThat(role.user()).isEqualTo(name.equals("scheduler-service") ? "scheduler" : name);
        assertThat(env.get("KAFKA_SECURITY_PROTOCOL")).isEqualTo("SASL_PLAINTEXT");
        assertThat(String.valueOf(env.get("KAFKA_PASSWORD"))).startsWith("${" + role.passwordVariable() + ":?");
        Map<String, Object> setup = (Map<String, Object>) service("kafka-setup").get("environment");
        assertThat(String.valueOf(setup.get(role.passwordVariable()))).startsWith("${" + role.passwordVariable() + ":?");
        assertThat((Map<String, Object>) service(name).get("depends_on")).containsKey("kafka-setup");
    }

    @Test
    @SuppressWarnings("unchecked")
    void theBrokerAuthenticatesAndAuthorizesAndKafkaSetupKnowsEveryUser() {
        Map<String, Object> kafka = (Map<String, Object>) service("kafka").get("environment");
        assertThat(kafka).containsEntry("KAFKA_AUTHORIZER_CLASS_NAME", "org.apache.kafka.metadata.authorizer.StandardAuthorizer")
                .containsEntry("KAFKA_ALLOW_EVERYONE_IF_NO_ACL_FOUND", "false")
                .containsEntry("KAFKA_SUPER_USERS", "User:" + KafkaProvisioning.ADMIN)
                .containsEntry("KAFKA_LISTENER_NAME_CLIENT_SASL_ENABLED_MECHANISMS", "SCRAM-SHA-512");
        assertThat(String.valueOf(kafka.get("KAFKA_LISTENER_SECURITY_PROTOCOL_MAP"))).doesNotContain(":PLAINTEXT");
        Map<String, Object> setup = (Map<String, Object>) service("kafka-setup").get("environment");
        for (Role role : Role.values()) {
            assertThat(setup).as("kafka-setup is given %s", role.passwordVariable()).containsKey(role.passwordVariable());
        }
        assertThat(setup).containsKey("KAFKA_ADMIN_PASSWORD");
        assertThat(service("kafka-setup").get("command")).isEqualTo(List.of("kafka-setup"));
        assertThat(((Map<String, Object>) service("kafka-setup").get("build")).get("args")).isEqualTo(Map.of("SERVICE", "launcher"));
        assertThat(OffsiteCli.usage()).contains("kafka-setup");
    }

    @Test
    @SuppressWarnings("unchecked")
    void infrastructureHasHealthChecksAndWorkersWaitForIt() {
        for (String name : List.of("kafka", "minio", "postgres", "prometheus")) {
            assertThat(service(name)).as(name).containsKey("healthcheck");
        }
        Map<String, Object> dependsOn = (Map<String, Object>) service("backup-worker").get("depends_on");
        assertThat(dependsOn).containsKeys("kafka", "minio-init");
        assertThat(service("backup-worker")).doesNotContainKey("ports");
        assertThat(service("rotation-worker")).doesNotContainKey("ports");
    }

    /** Names that hold a secret: a password, a secret or access key, a token, the storage root account. */
    static final Pattern SECRET = Pattern.compile("[A-Z0-9_]*(PASSWORD|SECRET|SECRET_KEY|ACCESS_KEY|TOKEN|ROOT_USER)");
    /** Every use of a variable in the compose file, with what follows its name ({@code :?message}, {@code :-default}, ...). */
    static final Pattern USE = Pattern.compile("\\$\\{([A-Z0-9_]+)([^}]*)}");

    /**
     * Passwords of optional Kafka users for other systems: left blank, kafka-setup does not create the user at all
     * (never a user with an empty password), so they may default to empty.
     */
    static final Set<String> OPTIONAL_USERS = Set.of("KAFKA_REQUESTER_PASSWORD", "KAFKA_AUDITOR_PASSWORD", "KAFKA_EXTERNAL_REPORTER_PASSWORD");

    @Test
    void everySecretIsRequiredSoAMissingOneStopsComposeInsteadOfBecomingEmpty() throws IOException {
        String compose = Files.readString(ROOT.resolve("docker-compose.yml")).replace("$$", "");
        List<String> unguarded = new ArrayList<>();
        Set<String> secrets = new TreeSet<>();
        Matcher m = USE.matcher(compose);
        while (m.find()) {
            if (SECRET.matcher(m.group(1)).matches()) {
                secrets.add(m.group(1));
                boolean optionalUser = OPTIONAL_USERS.contains(m.group(1)) && m.group(2).equals(":-");
                if (!m.group(2).matches(":\\?.+") && !optionalUser) {
                    unguarded.add(m.group());
                }
            }
        }
        assertThat(secrets).as("secrets the compose file uses").contains("MINIO_ROOT_PASSWORD", "BACKUP_WORKER_S3_SECRET_KEY",
                "ROTATION_WORKER_S3_SECRET_KEY", "SCHEDULER_SERVICE_S3_SECRET_KEY", "KAFKA_ADMIN_PASSWORD", "KAFKA_SCHEDULER_PASSWORD",
                "POSTGRES_VERIFY_PASSWORD", "OFFSITE_SCHEDULER_API_TOKEN");
        assertThat(unguarded).as("secrets without a ${VAR:?message} guard (a missing one would silently become empty)").isEmpty();
    }

    /** An exact version: three numbers, a MinIO release stamp, or two numbers for images versioned that way. */
    static final Pattern EXACT_TAG = Pattern.compile("v?\\d+\\.\\d+\\.\\d+([._-][A-Za-z0-9._-]+)?|RELEASE\\.\\d{4}-\\d{2}-\\d{2}T\\d{2}-\\d{2}-\\d{2}Z");
    static final Pattern TWO_PART_TAG = Pattern.compile("\\d+\\.\\d+(-[A-Za-z0-9._-]+)?");
    /** Images whose upstream numbers its releases major.minor (PostgreSQL 16.11, Debian 12.12). */
    static final Set<String> TWO_PART_VERSIONED = Set.of("postgres", "debian");

    static boolean pinned(String image) {
        if (image.matches(".+@sha256:[0-9a-f]{64}")) {
            return true;
        }
        int colon = image.lastIndexOf(':');
        if (colon < 0 || image.indexOf('/', colon) >= 0) {
            return false;
        }
        String name = image.substring(0, colon);
        String tag = image.substring(colon + 1);
        return EXACT_TAG.matcher(tag).matches()
                || (TWO_PART_VERSIONED.contains(name.substring(name.lastIndexOf('/') + 1)) && TWO_PART_TAG.matcher(tag).matches());
    }

    @Test
    void pinnedImagesAreRecognised() {
        assertThat(List.of("postgres:16.11", "apache/kafka:4.1.1", "prom/prometheus:v3.5.0", "eclipse-temurin:17.0.17_10-jre",
                "offsite-minio:RELEASE.2025-10-15T17-29-55Z", "golang:1.25.3-bookworm", "debian:12.12-slim",
                "postgres@sha256:" + "a".repeat(64))).allMatch(DeploymentConsistencyTest::pinned);
        assertThat(List.of("postgres:16", "postgres", "minio/minio:latest", "eclipse-temurin:17-jdk", "apache/kafka:4.1",
                "localhost:5000/kafka")).noneMatch(DeploymentConsistencyTest::pinned);
    }

    @Test
    @SuppressWarnings("unchecked")
    void everyImageAndBaseImageIsPinnedToAnExactVersionOrDigest() throws IOException {
        Map<String, String> images = new LinkedHashMap<>();
        ((Map<String, Object>) COMPOSE.get("services")).forEach((name, service) -> {
            Object image = ((Map<String, Object>) service).get("image");
            if (image != null) {
                images.put("service " + name, image.toString());
            }
        });
        List<Path> dockerfiles = new ArrayList<>(List.of(ROOT.resolve("Dockerfile")));
        try (Stream<Path> deploy = Files.walk(ROOT.resolve("deploy"))) {
            deploy.filter(f -> f.getFileName().toString().equals("Dockerfile")).forEach(dockerfiles::add);
        }
        for (Path dockerfile : dockerfiles) {
            for (String line : Files.readAllLines(dockerfile)) {
                Matcher from = Pattern.compile("FROM\\s+(\\S+)(\\s+AS\\s+\\S+)?\\s*", Pattern.CASE_INSENSITIVE).matcher(line.strip());
                if (from.matches()) {
                    images.put(ROOT.relativize(dockerfile) + " " + line.strip(), from.group(1));
                }
            }
        }
        assertThat(images).as("images found").hasSizeGreaterThanOrEqualTo(8);
        images.forEach((where, image) -> assertThat(pinned(image))
                .as("%s uses %s: pin an exact version (or a digest), never a floating tag", where, image).isTrue());
    }

    /** The S3 actions each worker's code uses (worker-core ObjectStore, MultipartUpload, StaleUploads and the workers' jobs). */
    static final Map<String, Set<String>> ALLOWED_ACTIONS = Map.of(
            "backup-worker", Set.of("s3:ListBucket", "s3:ListBucketMultipartUploads", "s3:GetObject", "s3:PutObject",
                    "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts", "s3:DeleteObject"),
            "rotation-worker", Set.of("s3:ListBucket", "s3:GetObject", "s3:DeleteObject"),
            "scheduler-service", Set.of("s3:ListBucket", "s3:GetObject"));
    /** Where a worker may delete: the backup worker only its staging objects, never a backup, sidecar or run claim. */
    static final Map<String, String> DELETE_ONLY_UNDER = Map.of("backup-worker", "arn:aws:s3:::${S3_BUCKET}/_incoming/");

    static Map<String, JsonNode> policies() throws IOException {
        Map<String, JsonNode> policies = new LinkedHashMap<>();
        try (Stream<Path> files = Files.list(ROOT.resolve("deploy/minio"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".json")).sorted().toList()) {
                String name = file.getFileName().toString().replace(".json", "");
                // a plain JSON parse: a policy MinIO would refuse as malformed fails here
                policies.put(name, JsonMapper.builder().build().readTree(Files.readString(file)));
            }
        }
        return policies;
    }

    static List<String> strings(JsonNode node) {
        List<String> values = new ArrayList<>();
        if (node.isArray()) {
            node.forEach(v -> values.add(v.asString()));
        } else if (node.isString()) {
            values.add(node.asString());
        }
        return values;
    }

    @Test
    void eachWorkerPolicyAllowsOnlyTheActionsItsCodeUses() throws IOException {
        Map<String, JsonNode> policies = policies();
        assertThat(policies.keySet()).as("policies in deploy/minio").containsExactlyInAnyOrderElementsOf(ALLOWED_ACTIONS.keySet());
        policies.forEach((worker, policy) -> {
            assertThat(policy.path("Version").asString()).as("%s.json Version", worker).isEqualTo("2012-10-17");
            assertThat(policy.path("Statement").isArray()).as("%s.json Statement", worker).isTrue();
            Set<String> allowed = new TreeSet<>();
            for (JsonNode statement : policy.path("Statement")) {
                String effect = statement.path("Effect").asString();
                assertThat(effect).as("%s.json Effect", worker).isIn("Allow", "Deny");
                List<String> actions = strings(statement.path("Action"));
                List<String> resources = strings(statement.path("Resource"));
                assertThat(actions).as("%s.json actions", worker).isNotEmpty();
                assertThat(resources).as("%s.json resources", worker).isNotEmpty()
                        .allMatch(r -> r.equals("arn:aws:s3:::${S3_BUCKET}") || r.startsWith("arn:aws:s3:::${S3_BUCKET}/"));
                assertThat(statement.has("NotAction") || statement.has("NotResource")).as("%s.json NotAction/NotResource", worker).isFalse();
                if (!effect.equals("Allow")) {
                    continue;
                }
                allowed.addAll(actions);
                for (String action : actions) {
                    assertThat(ALLOWED_ACTIONS.get(worker)).as("%s may %s", worker, action).contains(action);
                    boolean bucketLevel = action.equals("s3:ListBucket") || action.equals("s3:ListBucketMultipartUploads");
                    assertThat(resources).as("%s: %s on %s", worker, action, resources)
                            .allMatch(r -> bucketLevel == r.equals("arn:aws:s3:::${S3_BUCKET}"));
                }
                if (actions.contains("s3:DeleteObject") && DELETE_ONLY_UNDER.containsKey(worker)) {
                    assertThat(resources).as("%s deletes only under %s", worker, DELETE_ONLY_UNDER.get(worker))
                            .allMatch(r -> r.startsWith(DELETE_ONLY_UNDER.get(worker)) && r.endsWith("/*"));
                }
            }
            assertThat(allowed).as("%s.json allows what its code needs", worker).containsExactlyInAnyOrderElementsOf(ALLOWED_ACTIONS.get(worker));
        });
        assertThat(policies.get("rotation-worker").toString()).as("the rotation worker never writes").doesNotContain("s3:PutObject");
        assertThat(policies.get("scheduler-service").toString()).as("the scheduler only lists and reads sidecars")
                .doesNotContain("s3:PutObject", "s3:DeleteObject").contains("*.verified");
    }

    @Test
    @SuppressWarnings("unchecked")
    void eachWorkerUsesItsOwnStorageUserAndTheRootAccountOnlyPreparesMinio() throws IOException {
        String init = Files.readString(ROOT.resolve("deploy/minio/init.sh"));
        Map<String, Object> initEnv = (Map<String, Object>) service("minio-init").get("environment");
        for (String worker : ALLOWED_ACTIONS.keySet()) {
            String prefix = worker.toUpperCase(java.util.Locale.ROOT).replace('-', '_') + "_S3_";
            Map<String, Object> env = (Map<String, Object>) service(worker).get("environment");
            assertThat(String.valueOf(env.get("S3_ACCESS_KEY"))).as("%s S3_ACCESS_KEY", worker).startsWith("${" + prefix + "ACCESS_KEY:?");
            assertThat(String.valueOf(env.get("S3_SECRET_KEY"))).as("%s S3_SECRET_KEY", worker).startsWith("${" + prefix + "SECRET_KEY:?");
            assertThat(initEnv).as("minio-init creates the user of %s", worker).containsKeys(prefix + "ACCESS_KEY", prefix + "SECRET_KEY");
            assertThat(init).contains("setup_user " + worker + " \"$" + prefix + "ACCESS_KEY\" \"$" + prefix + "SECRET_KEY\"");
        }
        Map<String, Object> services = (Map<String, Object>) COMPOSE.get("services");
        services.forEach((name, service) -> {
            Map<String, Object> env = (Map<String, Object>) ((Map<String, Object>) service).getOrDefault("environment", Map.of());
            if (!ALLOWED_ACTIONS.containsKey(name)) {
                assertThat(env).as("%s has no S3 credentials", name).doesNotContainKeys("S3_ACCESS_KEY", "S3_SECRET_KEY");
            }
            if (!name.equals("minio") && !name.equals("minio-init")) {
                assertThat(env.values().toString()).as("%s never sees the MinIO root account", name).doesNotContain("MINIO_ROOT_");
            }
        });
    }

    @Test
    void theMavenWrapperChecksTheDistributionItDownloads() throws IOException {
        Properties wrapper = new Properties();
        try (InputStream in = Files.newInputStream(ROOT.resolve(".mvn/wrapper/maven-wrapper.properties"))) {
            wrapper.load(in);
        }
        assertThat(wrapper.getProperty("distributionUrl")).startsWith("https://");
        assertThat(wrapper.getProperty("distributionSha256Sum")).as("distributionSha256Sum").matches("[0-9a-f]{64}");
        if (wrapper.getProperty("wrapperUrl") != null || !"only-script".equals(wrapper.getProperty("distributionType"))) {
            assertThat(wrapper.getProperty("wrapperSha256Sum")).as("wrapperSha256Sum (the wrapper jar is used)").matches("[0-9a-f]{64}");
        }
    }

    /** Stands in for MinIO's client: records every call and keeps what a server would (policies, attachments, rules). */
    static final String FAKE_MC = """
            #!/bin/sh
            echo "$*" >> "$STATE/calls"
            case "$1 $2 $3" in
              "admin user info") [ -f "$STATE/user-$5" ] && echo "PolicyName: $(cat "$STATE/user-$5")" ;;
              "admin policy attach") echo "$5" > "$STATE/user-$7" ;;
              "admin policy create") cp "$6" "$STATE/$5.json" ;;
              "ilm rule ls") [ -f "$STATE/ilm" ] || exit 1 ;;
              "ilm rule add") touch "$STATE/ilm" ;;
            esac
            exit 0
            """;

    /** Runs deploy/minio/init.sh with {@link #FAKE_MC} first on the PATH. */
    record InitRun(int exit, String output) {
        static InitRun run(Path dir, Map<String, String> env) throws IOException, InterruptedException {
            Path bin = Files.createDirectories(dir.resolve("bin"));
            Path mc = bin.resolve("mc");
            Files.writeString(mc, FAKE_MC);
            mc.toFile().setExecutable(true);
            ProcessBuilder pb = new ProcessBuilder("sh", ROOT.resolve("deploy/minio/init.sh").toString()).redirectErrorStream(true);
            pb.environment().clear();
            pb.environment().put("PATH", bin + ":/usr/bin:/bin");
            pb.environment().put("STATE", Files.createDirectories(dir.resolve("state")).toString());
            pb.environment().put("POLICIES", ROOT.resolve("deploy/minio").toString());
            pb.environment().putAll(env);
            java.lang.Process p = pb.start();
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)).as("init.sh finished").isTrue();
            return new InitRun(p.exitValue(), output);
        }
    }

    static Map<String, String> initEnv(String lockDays) {
        Map<String, String> env = new LinkedHashMap<>(Map.of("MINIO_ROOT_USER", "root", "MINIO_ROOT_PASSWORD", "root-secret",
                "S3_BUCKET", "test-bucket", "BACKUP_WORKER_S3_ACCESS_KEY", "bw", "BACKUP_WORKER_S3_SECRET_KEY", "bw-secret",
                "ROTATION_WORKER_S3_ACCESS_KEY", "rw", "ROTATION_WORKER_S3_SECRET_KEY", "rw-secret"));
        env.put("SCHEDULER_SERVICE_S3_ACCESS_KEY", "sc");
        env.put("SCHEDULER_SERVICE_S3_SECRET_KEY", "sc-secret");
        env.put("S3_OBJECT_LOCK_DAYS", lockDays);
        return env;
    }

    @Test
    void theInitScriptPreparesBucketPoliciesAndUsersAndCanRunAgain(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        InitRun first = InitRun.run(dir, initEnv("100"));
        assertThat(first.exit()).as(first.output()).isZero();
        InitRun again = InitRun.run(dir, Map.of("MINIO_ROOT_USER", "root", "MINIO_ROOT_PASSWORD", "root-secret", "S3_BUCKET", "test-bucket",
                "BACKUP_WORKER_S3_ACCESS_KEY", "bw", "BACKUP_WORKER_S3_SECRET_KEY", "bw-rotated",
                "ROTATION_WORKER_S3_ACCESS_KEY", "rw", "ROTATION_WORKER_S3_SECRET_KEY", "rw-secret", "S3_OBJECT_LOCK_DAYS", "100",
                "SCHEDULER_SERVICE_S3_ACCESS_KEY", "sc", "SCHEDULER_SERVICE_S3_SECRET_KEY", "sc-secret"));
        assertThat(again.exit()).as(again.output()).isZero();

        List<String> calls = Files.readAllLines(dir.resolve("state/calls"));
        assertThat(calls).contains("alias set offsite http://minio:9000 root root-secret",
                "mb --ignore-existing --with-lock offsite/test-bucket", "retention set --default COMPLIANCE 100d offsite/test-bucket",
                "admin user add offsite bw bw-secret", "admin user add offsite bw bw-rotated", "admin user add offsite rw rw-secret");
        assertThat(calls).as("one lifecycle rule, one attachment per user, however often it runs")
                .containsOnlyOnce("ilm rule add --noncurrent-expire-days 100 --expire-delete-marker offsite/test-bucket",
                        "admin policy attach offsite offsite-backup-worker --user bw", "admin policy attach offsite offsite-rotation-worker --user rw");
        for (String worker : ALLOWED_ACTIONS.keySet()) {
            String created = Files.readString(dir.resolve("state/offsite-" + worker + ".json"));
            assertThat(created).doesNotContain("${").contains("arn:aws:s3:::test-bucket");
            JsonNode policy = JsonMapper.builder().build().readTree(created);
            assertThat(policy.path("Statement").size()).isEqualTo(policies().get(worker).path("Statement").size());
        }
        assertThat(Files.readString(dir.resolve("state/offsite-backup-worker.json"))).contains("\"arn:aws:s3:::test-bucket/_incoming/*\"");
    }

    @Test
    void theInitScriptWithoutObjectLockOrWithoutASecret(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        InitRun plain = InitRun.run(dir.resolve("plain"), initEnv(""));
        assertThat(plain.exit()).as(plain.output()).isZero();
        List<String> calls = Files.readAllLines(dir.resolve("plain/state/calls"));
        assertThat(calls).contains("mb --ignore-existing offsite/test-bucket").noneMatch(c -> c.startsWith("retention") || c.startsWith("ilm"));

        Map<String, String> missing = initEnv("");
        missing.remove("ROTATION_WORKER_S3_SECRET_KEY");
        InitRun refused = InitRun.run(dir.resolve("missing"), missing);
        assertThat(refused.exit()).isNotZero();
        assertThat(refused.output()).contains("ROTATION_WORKER_S3_SECRET_KEY");
        assertThat(dir.resolve("missing/state/calls")).doesNotExist();
    }
}
