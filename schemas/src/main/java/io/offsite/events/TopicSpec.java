package io.offsite.events;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;

/**
 * One Offsite topic as it should exist on the broker: its name, partitions, replication factor and the topic-level
 * configs that differ from the broker's defaults (for instance {@code retention.ms}).
 */
public record TopicSpec(String name, int partitions, short replicationFactor, Map<String, String> configs) {

    public TopicSpec {
        Objects.requireNonNull(name, "name");
        if (partitions < 1 || replicationFactor < 1) {
            throw new IllegalArgumentException("topic " + name + " needs at least one partition and one replica, got "
                    + partitions + " and " + replicationFactor);
        }
        configs = java.util.Collections.unmodifiableMap(new TreeMap<>(configs));
    }

    /** The request to create this topic with its settings. */
    public NewTopic newTopic() {
        return new NewTopic(name, partitions, replicationFactor).configs(configs);
    }

    /** How long records are kept ({@code retention.ms}); empty when the broker's default applies. */
    public Optional<Duration> retention() {
        String ms = configs.get(TopicConfig.RETENTION_MS_CONFIG);
        return ms == null ? Optional.empty() : Optional.of(Duration.ofMillis(Long.parseLong(ms)));
    }
}
