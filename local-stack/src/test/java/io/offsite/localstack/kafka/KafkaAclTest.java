package io.offsite.localstack.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.offsite.events.TopicRetentionCheck;
import io.offsite.events.TopicSettings;
import io.offsite.events.Topics;
import io.offsite.localstack.Ports;
import io.offsite.localstack.kafka.KafkaProvisioning.Role;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A secure embedded broker provisioned for Offsite: each principal can do what its role needs and is refused the
 * rest with an authorization error; an unknown user or a wrong password cannot even connect.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class KafkaAclTest {

    private static final Duration QUICK = Duration.ofSeconds(15);

    @TempDir
    static Path data;

    static KafkaBroker broker;
    static Map<Role, String> passwords = new HashMap<>();

    @BeforeAll
    static void start() {
        broker = KafkaBroker.startSecure(data.resolve("kafka"), Ports.freePort(), "admin-" + UUID.randomUUID());
        for (Role role : Role.values()) {
            passwords.put(role, role.user() + "-" + UUID.randomUUID());
        }
        try (Admin admin = broker.admin()) {
            KafkaProvisioning.provision(admin, TopicSettings.DEFAULTS, passwords);
        }
    }

    @AfterAll
    static void stop() {
        if (broker != null) {
            broker.close();
        }
    }

    static KafkaAccess as(Role role) {
        return KafkaAccess.scram(broker.bootstrapServers(), role.user(), passwords.get(role));
    }

    @Test
    void theRequesterPublishesRequestsButCannotForgeCompletionsNorReadEvents() throws Exception {
        send(as(Role.REQUESTER), Topics.REQUESTS_BACKUP);
        send(as(Role.REQUESTER), Topics.REQUESTS_VERIFY);
        assertRefused(() -> send(as(Role.REQUESTER), Topics.JOB_EVENTS));
        assertRefused(() -> send(as(Role.REQUESTER), Topics.deadLetterTopic(Topics.REQUESTS_BACKUP)));
        assertRefused(() -> read(as(Role.REQUESTER), Topics.JOB_EVENTS, null));
        assertRefused(() -> read(as(Role.REQUESTER), Topics.REQUESTS_BACKUP, null));
    }

    @Test
    void aWorkerReadsItsRequestsInItsGroupAndPublishesEventsAndDeadLettersOnly() throws Exception {
        String marker = send(as(Role.REQUESTER), Topics.REQUESTS_ROTATION);
        assertThat(read(as(Role.ROTATION_WORKER), Topics.REQUESTS_ROTATION, Topics.JobType.ROTATION.workerGroup()))
                .contains(marker);
        send(as(Role.ROTATION_WORKER), Topics.JOB_EVENTS);
        send(as(Role.ROTATION_WORKER), Topics.deadLetterTopic(Topics.REQUESTS_ROTATION));

        assertRefused(() -> send(as(Role.ROTATION_WORKER), Topics.REQUESTS_ROTATION));
        assertRefused(() -> send(as(Role.ROTATION_WORKER), Topics.REQUESTS_BACKUP));
        assertRefused(() -> read(as(Role.ROTATION_WORKER), Topics.JOB_EVENTS, null));
        assertRefused(() -> read(as(Role.ROTATION_WORKER), Topics.REQUESTS_BACKUP, null));
        assertRefused(() -> send(as(Role.ROTATION_WORKER), Topics.deadLetterTopic(Topics.REQUESTS_BACKUP)));
        // another type's consumer group is not its own
        assertFailsWith(GroupAuthorizationException.class, () -> read(as(Role.ROTATION_WORKER), Topics.REQUESTS_ROTATION, Topics.JobType.BACKUP.workerGroup()));
    }

    @Test
    void theBackupWorkerRunsBackupAndVerifyRequests() throws Exception {
        String backup = send(as(Role.REQUESTER), Topics.REQUESTS_BACKUP);
        String verify = send(as(Role.REQUESTER), Topics.REQUESTS_VERIFY);
        assertThat(read(as(Role.BACKUP_WORKER), Topics.REQUESTS_BACKUP, Topics.JobType.BACKUP.workerGroup())).contains(backup);
        assertThat(read(as(Role.BACKUP_WORKER), Topics.REQUESTS_VERIFY, Topics.JobType.VERIFY.workerGroup())).contains(verify);
        send(as(Role.BACKUP_WORKER), Topics.deadLetterTopic(Topics.REQUESTS_VERIFY));
        assertRefused(() -> read(as(Role.BACKUP_WORKER), Topics.REQUESTS_REPLICATION, null));
        assertRefused(() -> send(as(Role.BACKUP_WORKER), Topics.REQUESTS_VERIFY));
    }

    @Test
    void theAuditorReadsEventsAndPublishesNothing() throws Exception {
        String event = send(as(Role.EXTERNAL_REPORTER), Topics.JOB_EVENTS);
        assertThat(read(as(Role.AUDITOR), Topics.JOB_EVENTS, KafkaProvisioning.AUDITOR_GROUP_PREFIX + "-dashboard")).contains(event);
        assertRefused(() -> send(as(Role.AUDITOR), Topics.JOB_EVENTS));
        assertRefused(() -> send(as(Role.AUDITOR), Topics.REQUESTS_BACKUP));
        assertRefused(() -> read(as(Role.AUDITOR), Topics.REQUESTS_BACKUP, null));
        assertFailsWith(GroupAuthorizationException.class, () -> read(as(Role.AUDITOR), Topics.JOB_EVENTS, "someone-elses-group"));
        // the external reporter reports completions and nothing else
        assertRefused(() -> send(as(Role.EXTERNAL_REPORTER), Topics.REQUESTS_BACKUP));
        assertRefused(() -> read(as(Role.EXTERNAL_REPORTER), Topics.JOB_EVENTS, null));
    }

    @Test
    void theSchedulerRequestsReadsEverythingItRebuildsFromAndLeadsInItsGroup() throws Exception {
        String request = send(as(Role.SCHEDULER), Topics.REQUESTS_REPLICATION);
        String completion = send(as(Role.SCHEDULER), Topics.JOB_EVENTS);
        assertThat(read(as(Role.SCHEDULER), Topics.REQUESTS_REPLICATION, null)).contains(request);
        assertThat(read(as(Role.SCHEDULER), Topics.JOB_EVENTS, KafkaProvisioning.SCHEDULER_GROUP_PREFIX + "-webhook")).contains(completion);
        read(as(Role.SCHEDULER), Topics.SCHEDULER_LEADERSHIP, KafkaProvisioning.SCHEDULER_GROUP_PREFIX);
        assertRefused(() -> send(as(Role.SCHEDULER), Topics.deadLetterTopic(Topics.REQUESTS_BACKUP)));
    }

    @Test
    void unknownUsersWrongPasswordsAndTheAdminOnTheClientListenerCannotConnect() {
        assertFailsWith(SaslAuthenticationException.class, () -> send(KafkaAccess.scram(broker.bootstrapServers(), "mallory", "guess"), Topics.REQUESTS_BACKUP));
        assertFailsWith(SaslAuthenticationException.class, () -> send(KafkaAccess.scram(broker.bootstrapServers(), "requester", "wrong"), Topics.REQUESTS_BACKUP));
        assertFailsWith(SaslAuthenticationException.class, () -> send(KafkaAccess.scram(broker.bootstrapServers(), KafkaProvisioning.ADMIN,
                broker.adminAccess().password()), Topics.REQUESTS_BACKUP));
        // a client that does not log in at all gets nothing
        assertThatThrownBy(() -> send(KafkaAccess.open(broker.bootstrapServers()), Topics.REQUESTS_BACKUP, Duration.ofSeconds(3)))
                .isInstanceOf(Exception.class);
    }

    @Test
    void provisioningAgainRemovesAnAclOutsideTheRoleAndKeepsPasswordsWorking() throws Exception {
        AclBinding forged = new AclBinding(new ResourcePattern(ResourceType.TOPIC, Topics.JOB_EVENTS, PatternType.LITERAL),
                new AccessControlEntry("User:" + Role.REQUESTER.user(), "*", AclOperation.WRITE, AclPermissionType.ALLOW));
        try (Admin admin = broker.admin()) {
            admin.createAcls(List.of(forged)).all().get(30, TimeUnit.SECONDS);
            KafkaProvisioning.Result again = KafkaProvisioning.provision(admin, TopicSettings.DEFAULTS, passwords);
            assertThat(again.aclsRemoved()).isEqualTo(1);
            assertThat(again.aclsAdded()).isZero();
            assertThat(again.createdTopics()).isEmpty();
        }
        assertRefused(() -> send(as(Role.REQUESTER), Topics.JOB_EVENTS));
        send(as(Role.REQUESTER), Topics.REQUESTS_BACKUP);
    }

    @Test
    void topicsCarryTheirRetentionAndAShortOneIsReportedAndRaised() throws Exception {
        try (Admin admin = broker.admin()) {
            assertThat(retentionMs(admin, Topics.JOB_EVENTS)).isEqualTo(Duration.ofDays(400).toMillis());
            assertThat(retentionMs(admin, Topics.REQUESTS_BACKUP)).isEqualTo(Duration.ofDays(400).toMillis());
            assertThat(retentionMs(admin, Topics.deadLetterTopic(Topics.REQUESTS_BACKUP))).isEqualTo(Duration.ofDays(30).toMillis());
            assertThat(admin.describeTopics(List.of(Topics.SCHEDULER_LEADERSHIP)).allTopicNames().get().get(Topics.SCHEDULER_LEADERSHIP)
                    .partitions()).hasSize(1);

            String shortTopic = "retention-probe-" + UUID.randomUUID();
            admin.createTopics(List.of(new NewTopic(shortTopic, 1, (short) 1).configs(Map.of("retention.ms",
                    String.valueOf(Duration.ofDays(7).toMillis()))))).all().get(30, TimeUnit.SECONDS);
            var required = Map.of(shortTopic, new TopicRetentionCheck.Requirement(Duration.ofDays(62), "2 x a monthly schedule"));
            assertThat(TopicRetentionCheck.check(admin, required, QUICK)).singleElement().asString()
                    .startsWith("Kafka topics keep records too briefly, so history this service needs will be deleted: ")
                    .contains(shortTopic, "retention.ms=604800000 (7d)", "62d: 2 x a monthly schedule", "--add-config retention.ms=5356800000");

            var spec = new io.offsite.events.TopicSpec(shortTopic, 1, (short) 1, Map.of("retention.ms",
                    String.valueOf(Duration.ofDays(62).toMillis())));
            KafkaProvisioning.createTopics(admin, List.of(spec));
            assertThat(retentionMs(admin, shortTopic)).isEqualTo(Duration.ofDays(62).toMillis());
            assertThat(TopicRetentionCheck.check(admin, required, QUICK)).isEmpty();
            admin.incrementalAlterConfigs(Map.of(new ConfigResource(ConfigResource.Type.TOPIC, shortTopic), List.of(
                    new AlterConfigOp(new ConfigEntry("retention.ms", "-1"), AlterConfigOp.OpType.SET)))).all().get();
            KafkaProvisioning.createTopics(admin, List.of(spec));
            assertThat(retentionMs(admin, shortTopic)).as("an infinite retention is never lowered").isEqualTo(-1);
        }
        // a principal without DESCRIBE_CONFIGS is told so, once, and not failed
        try (Admin requester = Admin.create(as(Role.REQUESTER).clientConfig())) {
            var required = TopicRetentionCheck.configured(TopicSettings.DEFAULTS.all(), "as configured");
            assertThat(TopicRetentionCheck.check(requester, required, QUICK)).singleElement().asString()
                    .startsWith("Cannot check the retention of ").contains(Topics.JOB_EVENTS, "DESCRIBE_CONFIGS");
        }
        try (Admin worker = Admin.create(as(Role.BACKUP_WORKER).clientConfig())) {
            var required = TopicRetentionCheck.configured(List.of(TopicSettings.DEFAULTS.jobEvents()), "as configured");
            assertThat(TopicRetentionCheck.check(worker, required, QUICK)).isEmpty();
        }
    }

    private static long retentionMs(Admin admin, String topic) throws Exception {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        Config config = admin.describeConfigs(List.of(resource)).all().get(30, TimeUnit.SECONDS).get(resource);
        return Long.parseLong(config.get("retention.ms").value());
    }

    /** Publishes a unique value as {@code access}; returns it. */
    static String send(KafkaAccess access, String topic) throws Exception {
        return send(access, topic, QUICK);
    }

    static String send(KafkaAccess access, String topic, Duration timeout) throws Exception {
        Map<String, Object> config = new HashMap<>(access.clientConfig());
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) timeout.toMillis());
        config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.min(5000, timeout.toMillis()));
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) timeout.toMillis() + 5000);
        String value = "probe-" + UUID.randomUUID();
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(config, new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>(topic, "k", value)).get(timeout.toSeconds() + 10, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof KafkaException k ? k : e;
        }
        return value;
    }

    /** Reads what {@code topic} holds as {@code access}: in {@code group} (subscribed) or without a group (assigned). */
    static List<String> read(KafkaAccess access, String topic, String group) {
        Map<String, Object> config = new HashMap<>(access.clientConfig());
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) QUICK.toMillis());
        if (group != null) {
            config.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        }
        List<String> values = new java.util.ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, QUICK).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            if (group != null) {
                consumer.subscribe(List.of(topic));
            } else {
                consumer.assign(partitions);
            }
            long deadline = System.nanoTime() + QUICK.toNanos();
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    values.add(record.value());
                }
                if (!consumer.assignment().isEmpty() && consumer.assignment().stream()
                        .allMatch(p -> consumer.position(p) >= end.getOrDefault(p, 0L))) {
                    break;
                }
            }
            if (group != null) {
                consumer.commitSync();
            }
        }
        return values;
    }

    private static void assertRefused(org.assertj.core.api.ThrowableAssert.ThrowingCallable action) {
        assertFailsWith(AuthorizationException.class, action);
    }

    /** {@code action} fails with {@code type}, or with an exception caused by one. */
    static void assertFailsWith(Class<? extends Throwable> type, org.assertj.core.api.ThrowableAssert.ThrowingCallable action) {
        assertThatThrownBy(action).satisfies(e -> {
            Throwable t = e;
            while (!type.isInstance(t) && t.getCause() != null && t.getCause() != t) {
                t = t.getCause();
            }
            assertThat(t).as("failure of %s", e).isInstanceOf(type);
        });
    }
}
