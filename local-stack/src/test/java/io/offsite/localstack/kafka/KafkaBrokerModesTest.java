package io.offsite.localstack.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.offsite.events.TopicSettings;
import io.offsite.events.Topics;
import io.offsite.localstack.Ports;
import io.offsite.localstack.kafka.KafkaProvisioning.Role;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A data folder keeps working across modes: storage formatted by an open broker (as every folder made before the
 * secure mode was) starts secure, its topics get their retention, and it starts open again afterwards.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class KafkaBrokerModesTest {

    @TempDir
    Path data;

    @Test
    void openStorageStartsSecureAndOpenAgain() throws Exception {
        Path kafka = data.resolve("kafka");
        int port = Ports.freePort();
        String before;
        try (KafkaBroker open = KafkaBroker.start(kafka, port)) {
            assertThat(open.secure()).isFalse();
            before = KafkaAclTest.send(KafkaAccess.open(open.bootstrapServers()), Topics.REQUESTS_BACKUP);
            // as an older version left it: the broker's default retention of 7 days on the event log
            try (Admin admin = open.admin()) {
                admin.incrementalAlterConfigs(Map.of(new ConfigResource(ConfigResource.Type.TOPIC, Topics.JOB_EVENTS), List.of(
                        new AlterConfigOp(new ConfigEntry("retention.ms", String.valueOf(Duration.ofDays(7).toMillis())),
                                AlterConfigOp.OpType.SET)))).all().get(30, TimeUnit.SECONDS);
            }
        }
        KafkaCredentials credentials = KafkaCredentials.loadOrGenerate(data.resolve(KafkaCredentials.FILE_NAME))
                .save("127.0.0.1:" + port, "SASL_PLAINTEXT");
        try (KafkaBroker secure = KafkaBroker.startSecure(kafka, port, credentials.adminPassword())) {
            assertThat(secure.secure()).isTrue();
            try (Admin admin = secure.admin()) {
                KafkaProvisioning.provision(admin, TopicSettings.DEFAULTS, credentials.passwords());
                var events = new ConfigResource(ConfigResource.Type.TOPIC, Topics.JOB_EVENTS);
                assertThat(admin.describeConfigs(List.of(events)).all().get(30, TimeUnit.SECONDS).get(events).get("retention.ms").value())
                        .as("the short retention an open broker left is raised").isEqualTo(String.valueOf(Duration.ofDays(400).toMillis()));
            }
            assertThat(KafkaAclTest.read(credentials.access(Role.SCHEDULER, secure.bootstrapServers()), Topics.REQUESTS_BACKUP, null))
                    .contains(before);
        }
        try (KafkaBroker open = KafkaBroker.start(kafka, port)) {
            assertThat(KafkaAclTest.read(KafkaAccess.open(open.bootstrapServers()), Topics.REQUESTS_BACKUP, null)).contains(before);
        }
    }

    @Test
    void credentialsAreMadeUpOncePrivateAndKeptAcrossStarts() throws Exception {
        Path file = data.resolve(KafkaCredentials.FILE_NAME);
        KafkaCredentials first = KafkaCredentials.loadOrGenerate(file).save("127.0.0.1:9092", "SASL_PLAINTEXT");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(first.passwords()).containsOnlyKeys(Role.values());
        assertThat(first.passwords().values()).allSatisfy(p -> assertThat(p).hasSize(32)).doesNotHaveDuplicates();

        KafkaCredentials again = KafkaCredentials.loadOrGenerate(file);
        assertThat(again.passwords()).isEqualTo(first.passwords());
        assertThat(again.adminPassword()).isEqualTo(first.adminPassword());
        assertThat(again.secure()).isTrue();

        // an edited password is taken as it is, a deleted one made up again; --open is remembered
        String text = Files.readString(file).replace("auditor.password=" + first.password(Role.AUDITOR), "auditor.password=chosen-by-hand")
                .replaceAll("(?m)^requester\\.password=.*\\n", "");
        Files.writeString(file, text);
        KafkaCredentials edited = KafkaCredentials.loadOrGenerate(file).save("127.0.0.1:9092", "PLAINTEXT");
        assertThat(edited.password(Role.AUDITOR)).isEqualTo("chosen-by-hand");
        assertThat(edited.password(Role.REQUESTER)).hasSize(32).isNotEqualTo(first.password(Role.REQUESTER));
        assertThat(KafkaCredentials.load(file).orElseThrow().secure()).isFalse();
        assertThat(KafkaCredentials.load(file).orElseThrow().access(Role.AUDITOR, "127.0.0.1:9092").authenticated()).isFalse();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(KafkaCredentials.load(data.resolve("missing.properties"))).isEmpty();
    }
}
