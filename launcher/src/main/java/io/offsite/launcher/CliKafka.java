package io.offsite.launcher;

import io.offsite.localstack.kafka.EventProbe;
import io.offsite.localstack.kafka.KafkaAccess;
import io.offsite.localstack.kafka.KafkaCredentials;
import io.offsite.localstack.kafka.KafkaProvisioning.Role;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;

/**
 * How a command of the command line logs in to Kafka, from (first that applies):
 * <ol>
 *   <li>{@code --kafka-credentials FILE}: the credentials file of a local system (see below);</li>
 *   <li>{@code KAFKA_SECURITY_PROTOCOL} (with {@code KAFKA_USERNAME}, {@code KAFKA_PASSWORD}, {@code KAFKA_SASL_MECHANISM}):
 *       that one user for everything, as the services read them;</li>
 *   <li>the credentials file of a local system ({@code --kafka-credentials FILE}, {@code OFFSITE_KAFKA_CREDENTIALS}, or
 *       {@code kafka-credentials.properties} in {@code OFFSITE_DATA_DIR}, default {@code data}): the user of the role
 *       the command plays — the requester to publish requests, the auditor to watch events;</li>
 *   <li>otherwise no authentication (a broker started with {@code --open}).</li>
 * </ol>
 * The bootstrap servers are {@code --kafka}, else {@code KAFKA_BOOTSTRAP_SERVERS}, else those the file names, else
 * {@code 127.0.0.1:9092}.
 */
final class CliKafka {

    static final String DEFAULT_BOOTSTRAP = "127.0.0.1:9092";

    private final Map<String, String> env;
    private final String bootstrap;
    private final KafkaCredentials credentials;
    private final String source;

    private CliKafka(Map<String, String> env, String bootstrap, KafkaCredentials credentials, String source) {
        this.env = env;
        this.bootstrap = bootstrap;
        this.credentials = credentials;
        this.source = source;
    }

    /** @param bootstrapOption {@code --kafka}, or null; @param credentialsOption {@code --kafka-credentials}, or null */
    static CliKafka resolve(Map<String, String> env, String bootstrapOption, String credentialsOption) {
        String protocol = env.get("KAFKA_SECURITY_PROTOCOL");
        if (protocol != null && !protocol.isBlank() && credentialsOption == null) {
            String bootstrap = first(bootstrapOption, env.get("KAFKA_BOOTSTRAP_SERVERS"), DEFAULT_BOOTSTRAP);
            return new CliKafka(env, bootstrap, null, "KAFKA_SECURITY_PROTOCOL=" + protocol
                    + (env.get("KAFKA_USERNAME") == null ? "" : " as " + env.get("KAFKA_USERNAME")));
        }
        Path file = Path.of(first(credentialsOption, env.get("OFFSITE_KAFKA_CREDENTIALS"),
                Path.of(first(env.get("OFFSITE_DATA_DIR"), null, "data")).resolve(KafkaCredentials.FILE_NAME).toString()));
        Optional<KafkaCredentials> credentials = KafkaCredentials.load(file);
        if (credentialsOption != null && credentials.isEmpty()) {
            throw new UsageException("no Kafka credentials file at " + file + " (--kafka-credentials)");
        }
        String bootstrap = first(bootstrapOption, env.get("KAFKA_BOOTSTRAP_SERVERS"),
                credentials.map(KafkaCredentials::bootstrapServers).orElse(null), DEFAULT_BOOTSTRAP);
        return credentials.map(c -> new CliKafka(env, bootstrap, c, c.secure() ? "the users in " + file : "no authentication ("
                        + file + " says the broker was started --open)"))
                .orElseGet(() -> new CliKafka(env, bootstrap, null, "no authentication (no credentials in " + file
                        + " nor KAFKA_SECURITY_PROTOCOL)"));
    }

    /** How {@code role} reaches the broker. */
    KafkaAccess access(Role role) {
        if (credentials != null) {
            return credentials.access(role, bootstrap);
        }
        String protocol = env.get("KAFKA_SECURITY_PROTOCOL");
        if (protocol == null || protocol.isBlank() || protocol.trim().equalsIgnoreCase("PLAINTEXT")) {
            return KafkaAccess.open(bootstrap);
        }
        try {
            return new KafkaAccess(bootstrap, protocol, env.get("KAFKA_SASL_MECHANISM"), env.get("KAFKA_USERNAME"), env.get("KAFKA_PASSWORD"));
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }

    String bootstrapServers() {
        return bootstrap;
    }

    /** A probe publishing as {@code writer} and watching events as the auditor; failures say who tried what. */
    EventProbe probe(Role writer) {
        try {
            return new EventProbe(access(writer), access(Role.AUDITOR));
        } catch (RuntimeException e) {
            throw explain("watch offsite.job-events", e);
        }
    }

    /** A watch on the job-events topic as the auditor, positioned at its end; failures say who tried what. */
    CompletionWatch watch() {
        try {
            return new CompletionWatch(access(Role.AUDITOR));
        } catch (RuntimeException e) {
            throw explain("watch offsite.job-events", e);
        }
    }

    /** The failure of {@code what} with who tried and how to fix it. */
    RuntimeException explain(String what, RuntimeException e) {
        String detail = OffsiteCli.rootMessage(e);
        String hint;
        if (causedBy(e, AuthenticationException.class)) {
            hint = "the broker refused the login; check the user and password";
        } else if (causedBy(e, AuthorizationException.class)) {
            hint = "the user may not do this; see the Kafka section of the README for what each user may do";
        } else if (causedBy(e, org.apache.kafka.common.errors.TimeoutException.class)) {
            hint = "is the broker running and does it expect this login? bin/offsite local keeps its users in "
                    + "data/kafka-credentials.properties (set OFFSITE_DATA_DIR or --kafka-credentials for another folder)";
        } else {
            return e;
        }
        return new CommandFailure("cannot " + what + " on Kafka " + bootstrap + " with " + source + ": " + detail + "; " + hint);
    }

    private static boolean causedBy(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    private static String first(String... values) {
        for (String value : values) {
            if (value != null && !value.isBlank()) {
                return value;
            }
        }
        return null;
    }

    @Override
    public String toString() {
        return bootstrap + " with " + source;
    }
}
