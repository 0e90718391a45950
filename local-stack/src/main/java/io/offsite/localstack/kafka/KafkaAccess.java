package io.offsite.localstack.kafka;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.common.config.SaslConfigs;

/**
 * How a Kafka client reaches a broker and who it is: bootstrap servers, and for SASL the mechanism and the user.
 * {@link #clientConfig()} is what to give a producer, consumer or admin client.
 *
 * @param bootstrapServers {@code host:port[,host:port...]}
 * @param protocol         {@code PLAINTEXT}, {@code SASL_PLAINTEXT} or {@code SASL_SSL}
 * @param mechanism        SASL mechanism ({@code SCRAM-SHA-512}, {@code PLAIN}); null for PLAINTEXT
 * @param username         SASL user; null for PLAINTEXT
 * @param password         SASL password; null for PLAINTEXT
 */
public record KafkaAccess(String bootstrapServers, String protocol, String mechanism, String username, String password) {

    public static final String SCRAM = "SCRAM-SHA-512";
    public static final String PLAIN = "PLAIN";
    public static final String SASL_PLAINTEXT = "SASL_PLAINTEXT";

    public KafkaAccess {
        Objects.requireNonNull(bootstrapServers, "bootstrapServers");
        protocol = protocol == null || protocol.isBlank() ? "PLAINTEXT" : protocol.trim().toUpperCase(Locale.ROOT);
        if (protocol.startsWith("SASL_")) {
            if (username == null || username.isBlank() || password == null || password.isEmpty()) {
                throw new IllegalArgumentException("Kafka " + protocol + " needs a user name and a password (KAFKA_USERNAME, KAFKA_PASSWORD)");
            }
            mechanism = mechanism == null || mechanism.isBlank() ? SCRAM : mechanism.trim().toUpperCase(Locale.ROOT);
        }
    }

    /** No authentication: for a broker started open. */
    public static KafkaAccess open(String bootstrapServers) {
        return new KafkaAccess(bootstrapServers, "PLAINTEXT", null, null, null);
    }

    /** SASL_PLAINTEXT with SCRAM-SHA-512, how Offsite's principals log in. */
    public static KafkaAccess scram(String bootstrapServers, String username, String password) {
        return new KafkaAccess(bootstrapServers, SASL_PLAINTEXT, SCRAM, username, password);
    }

    public boolean authenticated() {
        return protocol.startsWith("SASL_");
    }

    /** The same user at other bootstrap servers. */
    public KafkaAccess at(String otherBootstrapServers) {
        return new KafkaAccess(otherBootstrapServers, protocol, mechanism, username, password);
    }

    /** Bootstrap servers and security settings of a client. */
    public Map<String, Object> clientConfig() {
        Map<String, Object> config = new HashMap<>();
        config.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, protocol);
        if (authenticated()) {
            config.put(SaslConfigs.SASL_MECHANISM, mechanism);
            config.put(SaslConfigs.SASL_JAAS_CONFIG, jaas(mechanism, username, password));
        }
        return config;
    }

    /** The JAAS line that logs {@code username} in with {@code mechanism}. */
    public static String jaas(String mechanism, String username, String password) {
        String module = mechanism.equals(PLAIN) ? "org.apache.kafka.common.security.plain.PlainLoginModule"
                : "org.apache.kafka.common.security.scram.ScramLoginModule";
        return module + " required username=\"" + quote(username) + "\" password=\"" + quote(password) + "\";";
    }

    static String quote(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"");
    }

    @Override
    public String toString() {
        return bootstrapServers + (authenticated() ? " (" + protocol + " " + mechanism + " as " + username + ")" : " (PLAINTEXT)");
    }
}
