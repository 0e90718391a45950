package io.offsite.localstack.kafka;

import io.offsite.events.TopicSettings;
import io.offsite.events.TopicSpec;
import io.offsite.events.Topics;
import io.offsite.events.Topics.JobType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialAlteration;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AccessControlEntryFilter;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourcePatternFilter;
import org.apache.kafka.common.resource.ResourceType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place that sets a broker up for Offsite, as its super user: the topics with their settings
 * ({@link TopicSettings}), a SCRAM-SHA-512 user per {@link Role} and exactly the ACLs each role needs — least
 * privilege, literal topic names, prefixed only for consumer groups named by the operator. Running it again is
 * harmless: missing topics are created, short retentions raised, passwords set again (how a password is rotated),
 * missing ACLs added and ACLs of these users that are no longer part of their role removed.
 */
public final class KafkaProvisioning {

    private static final Logger log = LoggerFactory.getLogger(KafkaProvisioning.class);

    /** The super user (in {@code super.users}): provisioning only, never a service. */
    public static final String ADMIN = "admin";
    /** Consumer groups of the scheduler start with this: leadership {@code offsite-scheduler}, webhook {@code offsite-scheduler-webhook}. */
    public static final String SCHEDULER_GROUP_PREFIX = "offsite-scheduler";
    /** Consumer groups an auditor may use start with this. */
    public static final String AUDITOR_GROUP_PREFIX = "offsite-auditor";
    /** SCRAM iterations of the users created here (Kafka's minimum is 4096). */
    static final int SCRAM_ITERATIONS = 8192;
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    /** Who talks to Offsite's topics, each as its own user named {@link #user()}. */
    public enum Role {
        /** Reads requests and events to rebuild its state, publishes requests and the completions it decides. */
        SCHEDULER("scheduler"),
        /** Runs BACKUP and VERIFY requests. */
        BACKUP_WORKER("backup-worker", JobType.BACKUP, JobType.VERIFY),
        ROTATION_WORKER("rotation-worker", JobType.ROTATION),
        REPLICATION_WORKER("replication-worker", JobType.REPLICATION),
        /** An external system that requests jobs: writes request topics only. */
        REQUESTER("requester"),
        /** Reads the events, e.g. for audits and dashboards. */
        AUDITOR("auditor"),
        /** An external system that reports completions of the jobs listed as external-jobs: writes events only. */
        EXTERNAL_REPORTER("external-reporter");

        private final String user;
        private final List<JobType> jobTypes;

        Role(String user, JobType... jobTypes) {
            this.user = user;
            this.jobTypes = List.of(jobTypes);
        }

        public String user() {
            return user;
        }

        /** The job types a worker role runs; empty for other roles. */
        public List<JobType> jobTypes() {
            return jobTypes;
        }

        /** The role whose user is {@code user}; throws naming the known users. */
        public static Role ofUser(String user) {
            for (Role role : values()) {
                if (role.user.equals(user)) {
                    return role;
                }
            }
            throw new IllegalArgumentException("unknown Kafka user '" + user + "', expected one of " + users());
        }

        public static List<String> users() {
            return java.util.Arrays.stream(values()).map(Role::user).toList();
        }

        /** {@code KAFKA_<ROLE>_PASSWORD}: the variable that carries its password to the provisioning. */
        public String passwordVariable() {
            return "KAFKA_" + name().toUpperCase(Locale.ROOT) + "_PASSWORD";
        }
    }

    /** What one run changed. */
    public record Result(List<String> createdTopics, List<String> raisedRetention, List<String> users, int aclsAdded,
                         int aclsRemoved) {
        @Override
        public String toString() {
            return "topics created " + createdTopics + ", retention raised " + raisedRetention + ", users " + users
                    + ", ACLs added " + aclsAdded + ", removed " + aclsRemoved;
        }
    }

    private KafkaProvisioning() {
    }

    /**
     * Creates the topics of {@code topics}, the users of {@code passwords} with SCRAM-SHA-512 and their ACLs, through an
     * admin client of the super user. Roles without a password are left alone.
     */
    public static Result provision(Admin admin, TopicSettings topics, Map<Role, String> passwords) {
        TopicChanges changes = createTopicsAndRaise(admin, topics.all());
        List<String> users = new ArrayList<>();
        List<UserScramCredentialAlteration> upserts = new ArrayList<>();
        for (Map.Entry<Role, String> entry : new EnumMap<>(passwords).entrySet()) {
            String password = entry.getValue();
            if (password == null || password.isEmpty()) {
                continue;
            }
            upserts.add(new UserScramCredentialUpsertion(entry.getKey().user(),
                    new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, SCRAM_ITERATIONS), password));
            users.add(entry.getKey().user());
        }
        if (!upserts.isEmpty()) {
            await(admin.alterUserScramCredentials(upserts).all(), "set the SCRAM passwords of " + users);
        }
        int added = 0;
        int removed = 0;
        for (Role role : passwords.keySet()) {
            if (!users.contains(role.user())) {
                continue;
            }
            Set<AclBinding> wanted = new LinkedHashSet<>(acls(role));
            AclBindingFilter ofUser = new AclBindingFilter(ResourcePatternFilter.ANY,
                    new AccessControlEntryFilter(principal(role), null, AclOperation.ANY, AclPermissionType.ANY));
            Collection<AclBinding> existing = await(admin.describeAcls(ofUser).values(), "read the ACLs of " + role.user());
            List<AclBindingFilter> stale = existing.stream().filter(b -> !wanted.contains(b)).map(AclBinding::toFilter).toList();
            if (!stale.isEmpty()) {
                await(admin.deleteAcls(stale).all(), "remove stale ACLs of " + role.user());
                removed += stale.size();
            }
            List<AclBinding> missing = wanted.stream().filter(b -> !existing.contains(b)).toList();
            if (!missing.isEmpty()) {
                await(admin.createAcls(missing).all(), "create the ACLs of " + role.user());
                added += missing.size();
            }
        }
        awaitApplied(admin, passwords.keySet().stream().filter(r -> users.contains(r.user())).toList());
        Result result = new Result(changes.created, changes.raised, users, added, removed);
        log.info("Kafka provisioned: {}", result);
        return result;
    }

    /**
     * Waits until the broker answers with the users and ACLs just written: the controller commits them first, the
     * broker applies them a moment later, and a client started in between would be refused.
     */
    private static void awaitApplied(Admin admin, List<Role> roles) {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        List<String> users = roles.stream().map(Role::user).toList();
        Set<AclBinding> wanted = new LinkedHashSet<>();
        roles.forEach(role -> wanted.addAll(acls(role)));
        while (true) {
            Set<String> known = new java.util.HashSet<>();
            await(admin.describeUserScramCredentials().all(), "read the SCRAM users").keySet().forEach(known::add);
            Collection<AclBinding> acls = await(admin.describeAcls(AclBindingFilter.ANY).values(), "read the ACLs");
            if (known.containsAll(users) && acls.containsAll(wanted)) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the broker did not apply the users " + users + " and their ACLs within " + TIMEOUT);
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the broker to apply users and ACLs", e);
            }
        }
    }

    /** The ACLs of {@code role}: everything it may do; the authorizer denies the rest. */
    public static List<AclBinding> acls(Role role) {
        Acls acls = new Acls(principal(role));
        switch (role) {
            case SCHEDULER -> {
                for (JobType type : JobType.values()) {
                    acls.topic(type.requestTopic(), AclOperation.READ, AclOperation.WRITE, AclOperation.DESCRIBE_CONFIGS);
                    // it declares the dead-letter topics too: may see that they exist, nothing more
                    acls.topic(Topics.deadLetterTopic(type.requestTopic()), AclOperation.DESCRIBE);
                }
                acls.topic(Topics.JOB_EVENTS, AclOperation.READ, AclOperation.WRITE, AclOperation.DESCRIBE_CONFIGS);
                acls.topic(Topics.SCHEDULER_LEADERSHIP, AclOperation.READ);
                acls.groupPrefix(SCHEDULER_GROUP_PREFIX);
            }
            case BACKUP_WORKER, ROTATION_WORKER, REPLICATION_WORKER -> {
                for (JobType type : role.jobTypes()) {
                    acls.topic(type.requestTopic(), AclOperation.READ, AclOperation.DESCRIBE_CONFIGS);
                    acls.topic(Topics.deadLetterTopic(type.requestTopic()), AclOperation.WRITE, AclOperation.DESCRIBE_CONFIGS);
                    acls.group(type.workerGroup());
                }
                acls.topic(Topics.JOB_EVENTS, AclOperation.WRITE, AclOperation.DESCRIBE_CONFIGS);
            }
            case REQUESTER -> {
                for (JobType type : JobType.values()) {
                    acls.topic(type.requestTopic(), AclOperation.WRITE);
                }
            }
            case AUDITOR -> {
                acls.topic(Topics.JOB_EVENTS, AclOperation.READ);
                acls.groupPrefix(AUDITOR_GROUP_PREFIX);
            }
            case EXTERNAL_REPORTER -> acls.topic(Topics.JOB_EVENTS, AclOperation.WRITE);
            default -> throw new IllegalStateException("no ACLs for " + role);
        }
        return acls.bindings;
    }

    static String principal(Role role) {
        return "User:" + role.user();
    }

    private static final class Acls {
        final String principal;
        final List<AclBinding> bindings = new ArrayList<>();

        Acls(String principal) {
            this.principal = principal;
        }

        void topic(String name, AclOperation... operations) {
            add(new ResourcePattern(ResourceType.TOPIC, name, PatternType.LITERAL), operations);
        }

        void group(String name) {
            add(new ResourcePattern(ResourceType.GROUP, name, PatternType.LITERAL), AclOperation.READ);
        }

        void groupPrefix(String prefix) {
            add(new ResourcePattern(ResourceType.GROUP, prefix, PatternType.PREFIXED), AclOperation.READ);
        }

        private void add(ResourcePattern pattern, AclOperation... operations) {
            for (AclOperation operation : operations) {
                bindings.add(new AclBinding(pattern, new AccessControlEntry(principal, "*", operation, AclPermissionType.ALLOW)));
            }
        }
    }

    private record TopicChanges(List<String> created, List<String> raised) {
    }

    /**
     * Creates the topics of {@code specs} that do not exist yet, with their settings, and raises the {@code retention.ms}
     * of existing ones that keep records shorter than their spec (never lowers it, never changes partitions).
     */
    public static List<String> createTopics(Admin admin, List<TopicSpec> specs) {
        return createTopicsAndRaise(admin, specs).created;
    }

    private static TopicChanges createTopicsAndRaise(Admin admin, List<TopicSpec> specs) {
        Set<String> existing = await(admin.listTopics().names(), "list topics");
        List<NewTopic> missing = specs.stream().filter(s -> !existing.contains(s.name())).map(TopicSpec::newTopic).toList();
        List<String> created = new ArrayList<>();
        if (!missing.isEmpty()) {
            for (var entry : admin.createTopics(missing).values().entrySet()) {
                try {
                    entry.getValue().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                    created.add(entry.getKey());
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new IllegalStateException("cannot create Kafka topic " + entry.getKey() + ": " + e.getCause(), e.getCause());
                    }
                } catch (Exception e) {
                    throw failure("create Kafka topic " + entry.getKey(), e);
                }
            }
        }
        List<String> raised = raiseRetention(admin, specs.stream().filter(s -> existing.contains(s.name())).toList());
        return new TopicChanges(created, raised);
    }

    private static List<String> raiseRetention(Admin admin, List<TopicSpec> specs) {
        Map<ConfigResource, TopicSpec> withRetention = new LinkedHashMap<>();
        for (TopicSpec spec : specs) {
            if (spec.retention().isPresent()) {
                withRetention.put(new ConfigResource(ConfigResource.Type.TOPIC, spec.name()), spec);
            }
        }
        if (withRetention.isEmpty()) {
            return List.of();
        }
        Map<ConfigResource, Config> configs = await(admin.describeConfigs(withRetention.keySet()).all(), "read topic configs");
        Map<ConfigResource, Collection<AlterConfigOp>> raise = new LinkedHashMap<>();
        List<String> raised = new ArrayList<>();
        for (var entry : withRetention.entrySet()) {
            ConfigEntry current = configs.get(entry.getKey()).get(TopicConfig.RETENTION_MS_CONFIG);
            long wanted = entry.getValue().retention().orElseThrow().toMillis();
            long now = current == null || current.value() == null ? -1 : Long.parseLong(current.value());
            if (now >= 0 && now < wanted) {
                raise.put(entry.getKey(), List.of(new AlterConfigOp(
                        new ConfigEntry(TopicConfig.RETENTION_MS_CONFIG, String.valueOf(wanted)), AlterConfigOp.OpType.SET)));
                raised.add(entry.getKey().name() + " " + TopicSettings.describe(Duration.ofMillis(now)) + " -> "
                        + TopicSettings.describe(Duration.ofMillis(wanted)));
            }
        }
        if (!raise.isEmpty()) {
            await(admin.incrementalAlterConfigs(raise).all(), "raise the retention of " + raised);
            log.info("Raised the retention of Kafka topics that kept records too briefly: {}", raised);
        }
        return raised;
    }

    private static <T> T await(org.apache.kafka.common.KafkaFuture<T> future, String what) {
        try {
            return future.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            throw failure(what, e);
        }
    }

    private static IllegalStateException failure(String what, Exception e) {
        if (e instanceof InterruptedException) {
            Thread.currentThread().interrupt();
        }
        Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
        String detail = cause instanceof TimeoutException ? "no answer within " + TIMEOUT : cause.toString();
        return new IllegalStateException("cannot " + what + ": " + detail, cause);
    }
}
