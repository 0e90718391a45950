package io.offsite.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.offsite.localstack.kafka.KafkaProvisioning;
import io.offsite.localstack.kafka.KafkaProvisioning.Role;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * No Docker engine runs where the tests run, so this checks the compose deployment against what the services
 * really read: every environment variable a service is given appears in its configuration, its port is the one
 * it listens on, health checks and Prometheus look there, and every secret the file uses is in .env.example.
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
        assertThat(OffsiteCli.USAGE).contains("kafka-setup");
    }

    @Test
    @SuppressWarnings("unchecked")
    void infrastructureHasHealthChecksAndWorkersWaitForIt() {
        for (String name : List.of("kafka", "minio", "postgres", "prometheus")) {
            assertThat(service(name)).as(name).containsKey("healthcheck");
        }
        Map<String, Object> dependsOn = (Map<String, Object>) service("backup-worker").get("depends_on");
        assertThat(dependsOn).containsKeys("kafka", "create-bucket");
        assertThat(service("backup-worker")).doesNotContainKey("ports");
        assertThat(service("rotation-worker")).doesNotContainKey("ports");
    }
}
