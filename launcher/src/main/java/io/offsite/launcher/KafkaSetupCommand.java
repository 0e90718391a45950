package io.offsite.launcher;

import io.offsite.events.TopicSettings;
import io.offsite.localstack.kafka.KafkaAccess;
import io.offsite.localstack.kafka.KafkaProvisioning;
import io.offsite.localstack.kafka.KafkaProvisioning.Role;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * {@code offsite kafka-setup}: sets a broker up for Offsite as its super user — topics with their settings, a
 * SCRAM-SHA-512 user per role and their ACLs ({@link KafkaProvisioning}) — from the environment, so that a deployment
 * (docker compose) runs it once before the services start. Running it again applies changed passwords.
 *
 * <p>Reads {@code KAFKA_BOOTSTRAP_SERVERS} (the listener the super user may use), {@code KAFKA_ADMIN_PASSWORD}
 * (and {@code KAFKA_ADMIN_USERNAME}, default {@value KafkaProvisioning#ADMIN}; {@code KAFKA_ADMIN_MECHANISM}, default
 * PLAIN; {@code KAFKA_SECURITY_PROTOCOL}, default SASL_PLAINTEXT), one {@code KAFKA_<ROLE>_PASSWORD} per user to
 * create (users without one are skipped) and the topic settings {@code OFFSITE_TOPICS_*}.
 */
@Command(name = "kafka-setup", header = "create Offsite's topics, Kafka users and ACLs on a broker (from environment variables)",
        mixinStandardHelpOptions = true,
        description = {"Create Offsite's topics, Kafka users and ACLs on a broker, as its super user; running it again applies changed",
                "passwords. Configured by environment variables: KAFKA_BOOTSTRAP_SERVERS, KAFKA_ADMIN_PASSWORD (KAFKA_ADMIN_USERNAME,",
                "KAFKA_ADMIN_MECHANISM, KAFKA_SECURITY_PROTOCOL), KAFKA_<ROLE>_PASSWORD per user to create, OFFSITE_TOPICS_*."})
final class KafkaSetupCommand implements Callable<Integer> {

    static final String USAGE = "usage: offsite kafka-setup   (configured by environment variables: KAFKA_BOOTSTRAP_SERVERS, "
            + "KAFKA_ADMIN_PASSWORD, KAFKA_<ROLE>_PASSWORD, OFFSITE_TOPICS_*)";

    private final PrintStream out;
    private final Map<String, String> env;

    KafkaSetupCommand(PrintStream out, Map<String, String> env) {
        this.out = out;
        this.env = env;
    }

    /** Reads {@code args} (none) and sets the broker up; a wrong command line throws {@link UsageException}. */
    int run(List<String> args) {
        return OffsiteCli.parse(this, args).call();
    }

    @Override
    public Integer call() {
        String bootstrap = value("KAFKA_BOOTSTRAP_SERVERS", CliKafka.DEFAULT_BOOTSTRAP);
        String adminPassword = env.get("KAFKA_ADMIN_PASSWORD");
        if (adminPassword == null || adminPassword.isEmpty()) {
            throw new UsageException("set KAFKA_ADMIN_PASSWORD, the password of the broker's super user\n" + USAGE);
        }
        KafkaAccess admin = new KafkaAccess(bootstrap, value("KAFKA_SECURITY_PROTOCOL", KafkaAccess.SASL_PLAINTEXT),
                value("KAFKA_ADMIN_MECHANISM", KafkaAccess.PLAIN), value("KAFKA_ADMIN_USERNAME", KafkaProvisioning.ADMIN), adminPassword);
        Map<Role, String> passwords = new EnumMap<>(Role.class);
        List<String> skipped = new ArrayList<>();
        for (Role role : Role.values()) {
            String password = env.get(role.passwordVariable());
            if (password == null || password.isEmpty()) {
                skipped.add(role.user() + " (" + role.passwordVariable() + " not set)");
            } else {
                passwords.put(role, password);
            }
        }
        TopicSettings topics;
        try {
            topics = TopicSettings.from(key -> env.get(key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_')));
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        Map<String, Object> config = new HashMap<>(admin.clientConfig());
        config.put(AdminClientConfig.CLIENT_ID_CONFIG, "offsite-kafka-setup");
        try (Admin client = Admin.create(config)) {
            KafkaProvisioning.Result result = KafkaProvisioning.provision(client, topics, passwords);
            out.println("Kafka at " + bootstrap + " is set up for Offsite: " + result);
        }
        if (!skipped.isEmpty()) {
            out.println("Users not created: " + String.join(", ", skipped));
        }
        return 0;
    }

    private String value(String name, String fallback) {
        String value = env.get(name);
        return value == null || value.isBlank() ? fallback : value.trim();
    }
}
