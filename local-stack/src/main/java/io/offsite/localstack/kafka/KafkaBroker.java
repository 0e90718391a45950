package io.offsite.localstack.kafka;

import io.offsite.events.TopicSettings;
import io.offsite.localstack.Ports;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.Feature;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Kafka broker in KRaft mode, in this JVM ({@link KafkaRaftServer}), listening on
 * loopback. Its log lives under the given folder and survives restarts (the storage is formatted once).
 *
 * <p>Open mode: one PLAINTEXT listener, no authentication, no authorizer, as for experiments and most tests.
 * Secure mode ({@link #startSecure}): clients log in with SCRAM-SHA-512 on a SASL_PLAINTEXT listener and every
 * request is checked by the {@code StandardAuthorizer} with {@code allow.everyone.if.no.acl.found=false}; the
 * super user {@value KafkaProvisioning#ADMIN} logs in with PLAIN on a second loopback listener (also used between
 * broker and controller), whose password is part of the broker's configuration, so the SCRAM users and their ACLs
 * can be created after start by {@link KafkaProvisioning}, on storage formatted with or without them.
 */
public final class KafkaBroker implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(KafkaBroker.class);

    /** Partitions of every Offsite topic the broker creates: enough for several worker instances to share. */
    public static final int DEFAULT_PARTITIONS = TopicSettings.DEFAULT_PARTITIONS;

    /** How long the controller keeps a broker registered without heartbeats: what a restart after a crash waits. */
    static final Duration BROKER_SESSION = Duration.ofSeconds(4);

    static final String AUTHORIZER = "org.apache.kafka.metadata.authorizer.StandardAuthorizer";

    private final KafkaRaftServer server;
    private final int port;
    private final KafkaAccess admin;

    private KafkaBroker(KafkaRaftServer server, int port, KafkaAccess admin) {
        this.server = server;
        this.port = port;
        this.admin = admin;
    }

    /**
     * Formats storage under {@code dataDir} if needed, starts an open broker (PLAINTEXT, no authorizer) on
     * {@code 127.0.0.1:port}, waits until it answers and creates Offsite's topics with their settings.
     */
    public static KafkaBroker start(Path dataDir, int port) {
        return start(dataDir, port, null, TopicSettings.DEFAULTS);
    }

    /**
     * Like {@link #start(Path, int)}, but secure: SASL_PLAINTEXT with SCRAM-SHA-512 on {@code 127.0.0.1:port}, the
     * {@code StandardAuthorizer} denying what no ACL allows, and the super user {@value KafkaProvisioning#ADMIN} with
     * {@code adminPassword} (PLAIN) on an internal loopback listener; see {@link #adminAccess()}. No client user
     * exists until {@link KafkaProvisioning} creates them.
     */
    public static KafkaBroker startSecure(Path dataDir, int port, String adminPassword) {
        if (adminPassword == null || adminPassword.isEmpty()) {
            throw new IllegalArgumentException("a secure Kafka broker needs the admin password");
        }
        return start(dataDir, port, adminPassword, TopicSettings.DEFAULTS);
    }

    private static KafkaBroker start(Path dataDir, int port, String adminPassword, TopicSettings topics) {
        Ports.requireFree(port, "Kafka broker", "--kafka-port");
        int controllerPort = Ports.freePort();
        Path logDir = dataDir.toAbsolutePath().resolve("kafka-logs");
        try {
            Files.createDirectories(logDir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the Kafka data folder " + logDir + ": " + e.getMessage(), e);
        }
        Properties props = new Properties();
        props.put("process.roles", "broker,controller");
        props.put("node.id", "1");
        props.put("controller.quorum.voters", "1@" + Ports.LOOPBACK + ":" + controllerPort);
        props.put("controller.listener.names", "CONTROLLER");
        KafkaAccess admin;
        if (adminPassword == null) {
            props.put("listeners", "PLAINTEXT://" + Ports.LOOPBACK + ":" + port + ",CONTROLLER://" + Ports.LOOPBACK + ":" + controllerPort);
            props.put("advertised.listeners", "PLAINTEXT://" + Ports.LOOPBACK + ":" + port);
            props.put("inter.broker.listener.name", "PLAINTEXT");
            props.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
            admin = KafkaAccess.open(Ports.LOOPBACK + ":" + port);
        } else {
            int internalPort = Ports.freePort();
            secure(props, port, internalPort, controllerPort, adminPassword);
            admin = new KafkaAccess(Ports.LOOPBACK + ":" + internalPort, KafkaAccess.SASL_PLAINTEXT, KafkaAccess.PLAIN,
                    KafkaProvisioning.ADMIN, adminPassword);
        }
        props.put("log.dirs", logDir.toString());
        props.put("num.partitions", String.valueOf(DEFAULT_PARTITIONS));
        props.put("offsets.topic.replication.factor", "1");
        props.put("offsets.topic.num.partitions", "5");
        props.put("transaction.state.log.replication.factor", "1");
        props.put("transaction.state.log.min.isr", "1");
        props.put("share.coordinator.state.topic.replication.factor", "1");
        props.put("share.coordinator.state.topic.min.isr", "1");
        props.put("group.initial.rebalance.delay.ms", "0");
        // After a crash, the restarted broker can register only once the dead incarnation's session has expired
        // (9 s by default); the broker and its controller share this JVM, so a short session is safe.
        props.put("broker.session.timeout.ms", String.valueOf(BROKER_SESSION.toMillis()));
        props.put("broker.heartbeat.interval.ms", String.valueOf(BROKER_SESSION.toMillis() / 4));
        props.put("auto.create.topics.enable", "true");
        props.put("log.flush.interval.messages", String.valueOf(Long.MAX_VALUE));
        props.put("log.segment.bytes", String.valueOf(64 * 1024 * 1024));
        KafkaConfig config = new KafkaConfig(props, false);
        format(logDir);
        KafkaRaftServer server = new KafkaRaftServer(config, Time.SYSTEM);
        long started = System.nanoTime();
        server.startup();
        KafkaBroker broker = new KafkaBroker(server, port, admin);
        try {
            broker.awaitReady(Duration.ofSeconds(60));
            try (Admin client = broker.admin()) {
                KafkaProvisioning.createTopics(client, topics.all());
            }
        } catch (RuntimeException e) {
            broker.close();
            throw e;
        }
        log.info("Kafka broker ready on {} ({}) in {} ms (data in {})", broker.bootstrapServers(),
                adminPassword == null ? "open: PLAINTEXT, no authorization" : "SASL_PLAINTEXT SCRAM-SHA-512, ACLs enforced",
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started), logDir);
        return broker;
    }

    /**
     * The listeners of a secure broker: CLIENT (SCRAM-SHA-512) for every Offsite principal, INTERNAL (PLAIN, the admin
     * only) for provisioning and between broker and controller, CONTROLLER (PLAIN, the admin) for the KRaft quorum.
     */
    private static void secure(Properties props, int port, int internalPort, int controllerPort, String adminPassword) {
        String loopback = Ports.LOOPBACK;
        props.put("listeners", "CLIENT://" + loopback + ":" + port + ",INTERNAL://" + loopback + ":" + internalPort
                + ",CONTROLLER://" + loopback + ":" + controllerPort);
        props.put("advertised.listeners", "CLIENT://" + loopback + ":" + port + ",INTERNAL://" + loopback + ":" + internalPort);
        props.put("listener.security.protocol.map", "CLIENT:SASL_PLAINTEXT,INTERNAL:SASL_PLAINTEXT,CONTROLLER:SASL_PLAINTEXT");
        props.put("inter.broker.listener.name", "INTERNAL");
        props.put("sasl.mechanism.inter.broker.protocol", KafkaAccess.PLAIN);
        props.put("sasl.mechanism.controller.protocol", KafkaAccess.PLAIN);
        props.put("listener.name.client.sasl.enabled.mechanisms", KafkaAccess.SCRAM);
        props.put("listener.name.client.scram-sha-512.sasl.jaas.config",
                "org.apache.kafka.common.security.scram.ScramLoginModule required;");
        String plain = KafkaAccess.jaas(KafkaAccess.PLAIN, KafkaProvisioning.ADMIN, adminPassword).replaceFirst(";$", "")
                + " user_" + KafkaProvisioning.ADMIN + "=\"" + KafkaAccess.quote(adminPassword) + "\";";
        for (String listener : new String[] {"internal", "controller"}) {
            props.put("listener.name." + listener + ".sasl.enabled.mechanisms", KafkaAccess.PLAIN);
            props.put("listener.name." + listener + ".plain.sasl.jaas.config", plain);
        }
        props.put("authorizer.class.name", AUTHORIZER);
        props.put("allow.everyone.if.no.acl.found", "false");
        props.put("super.users", "User:" + KafkaProvisioning.ADMIN);
    }

    private static void format(Path logDir) {
        if (Files.exists(logDir.resolve("meta.properties"))) {
            return;
        }
        // the formatter prints its bootstrap metadata records: keep them for the debug log, off the console
        java.io.ByteArrayOutputStream formatterOutput = new java.io.ByteArrayOutputStream();
        try {
            new Formatter()
                    .setPrintStream(new java.io.PrintStream(formatterOutput, true, java.nio.charset.StandardCharsets.UTF_8))
                    .setSupportedFeatures(Feature.PRODUCTION_FEATURES)
                    .setClusterId(Uuid.randomUuid().toString())
                    .setNodeId(1)
                    .addDirectory(logDir.toString())
                    .setMetadataLogDirectory(logDir.toString())
                    .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
                    .setControllerListenerName("CONTROLLER")
                    .setIgnoreFormatted(true)
                    .run();
            log.debug("Kafka storage formatted in {}: {}", logDir, formatterOutput.toString(java.nio.charset.StandardCharsets.UTF_8).strip());
        } catch (Exception e) {
            throw new IllegalStateException("cannot format Kafka storage in " + logDir + ": " + e.getMessage(), e);
        }
    }

    public String bootstrapServers() {
        return Ports.LOOPBACK + ":" + port;
    }

    public int port() {
        return port;
    }

    /** True when clients must log in and ACLs are enforced. */
    public boolean secure() {
        return admin.authenticated();
    }

    /**
     * How the super user reaches this broker: the INTERNAL listener with PLAIN in secure mode, the only listener
     * without authentication in open mode.
     */
    public KafkaAccess adminAccess() {
        return admin;
    }

    /** A new admin client logged in as the super user; the caller closes it. */
    public Admin admin() {
        Map<String, Object> config = new java.util.HashMap<>(admin.clientConfig());
        config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5000);
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10000);
        return Admin.create(config);
    }

    private void awaitReady(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Exception last = null;
        while (System.nanoTime() < deadline) {
            try (Admin admin = admin()) {
                if (!admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).isEmpty()) {
                    return;
                }
            } catch (Exception e) {
                last = e;
            }
            sleep(200);
        }
        throw new IllegalStateException("Kafka broker on " + bootstrapServers() + " did not become ready within " + timeout, last);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the Kafka broker", e);
        }
    }

    @Override
    public void close() {
        server.shutdown();
        server.awaitShutdown();
    }
}
