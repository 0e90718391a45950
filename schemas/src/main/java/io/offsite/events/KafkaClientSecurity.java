package io.offsite.events;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.CommonClientConfigs;

/** What a service says about how it connects to Kafka. */
public final class KafkaClientSecurity {

    private KafkaClientSecurity() {
    }

    /**
     * The warning for a client that connects without authentication ({@code security.protocol} PLAINTEXT or unset):
     * anyone who reaches the broker can then publish requests or forged completions in its name.
     */
    public static Optional<String> unauthenticatedWarning(Map<String, ?> clientConfig, String service) {
        Object protocol = clientConfig.get(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG);
        String value = protocol == null ? CommonClientConfigs.DEFAULT_SECURITY_PROTOCOL : protocol.toString().trim();
        if (!value.toUpperCase(Locale.ROOT).equals("PLAINTEXT")) {
            return Optional.empty();
        }
        Object servers = clientConfig.get(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG);
        String bootstrap = servers instanceof java.util.Collection<?> list
                ? String.join(",", list.stream().map(String::valueOf).toList()) : String.valueOf(servers);
        return Optional.of(service + " connects to Kafka " + bootstrap
                + " over PLAINTEXT: unauthenticated, anyone who reaches the broker can publish requests and forged completions."
                + " Set KAFKA_SECURITY_PROTOCOL=SASL_PLAINTEXT (or SASL_SSL), KAFKA_USERNAME and KAFKA_PASSWORD"
                + " (bin/offsite local does this unless started with --open)");
    }
}
