package io.offsite.events;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * Checks at start-up that existing topics keep records as long as this service needs: reads their
 * {@code retention.ms} and {@code retention.bytes} (Admin describeConfigs) and answers at most two warning lines,
 * one naming every topic that keeps records too briefly, one naming the topics it may not describe.
 * A missing topic is no concern here: it is created with its settings.
 */
public final class TopicRetentionCheck {

    /** What one topic must keep: at least {@code minimum}, and why (shown in the warning). */
    public record Requirement(Duration minimum, String why) {
    }

    private TopicRetentionCheck() {
    }

    /** The requirement of each spec that names a retention: its own configured value. */
    public static Map<String, Requirement> configured(List<TopicSpec> specs, String why) {
        Map<String, Requirement> required = new LinkedHashMap<>();
        for (TopicSpec spec : specs) {
            spec.retention().ifPresent(r -> required.put(spec.name(), new Requirement(r, why)));
        }
        return required;
    }

    /** Adds {@code minimum} to the requirement of {@code topic} when it asks for more than already required. */
    public static void atLeast(Map<String, Requirement> required, String topic, Duration minimum, String why) {
        Requirement current = required.get(topic);
        if (current == null || current.minimum().compareTo(minimum) < 0) {
            required.put(topic, new Requirement(minimum, why));
        }
    }

    /** The warnings for {@code required} on the broker {@code admin} talks to; empty when all is well. */
    public static List<String> check(Admin admin, Map<String, Requirement> required, Duration timeout) {
        Map<ConfigResource, Future<Config>> described = new LinkedHashMap<>();
        admin.describeConfigs(required.keySet().stream().map(t -> new ConfigResource(ConfigResource.Type.TOPIC, t)).toList())
                .values().forEach(described::put);
        long deadline = System.nanoTime() + timeout.toNanos();
        List<String> tooShort = new ArrayList<>();
        List<String> notAuthorized = new ArrayList<>();
        String failure = null;
        for (var entry : described.entrySet()) {
            String topic = entry.getKey().name();
            try {
                Config config = entry.getValue().get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                String problem = problem(topic, config, required.get(topic));
                if (problem != null) {
                    tooShort.add(problem);
                }
            } catch (ExecutionException e) {
                if (e.getCause() instanceof AuthorizationException) {
                    notAuthorized.add(topic);
                } else if (!(e.getCause() instanceof UnknownTopicOrPartitionException) && failure == null) {
                    failure = String.valueOf(e.getCause());
                }
            } catch (TimeoutException e) {
                failure = "no answer within " + timeout;
                break;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return List.of();
            }
        }
        List<String> warnings = new ArrayList<>();
        if (!tooShort.isEmpty()) {
            warnings.add("Kafka topics keep records too briefly, so history this service needs will be deleted: "
                    + String.join("; ", tooShort));
        }
        if (!notAuthorized.isEmpty()) {
            warnings.add("Cannot check the retention of " + String.join(", ", notAuthorized)
                    + ": this principal may not describe their configs (grant DESCRIBE_CONFIGS on them to have it checked)");
        }
        if (failure != null) {
            warnings.add("Cannot check the retention of Kafka topics " + required.keySet() + ": " + failure);
        }
        return warnings;
    }

    private static String problem(String topic, Config config, Requirement requirement) {
        List<String> problems = new ArrayList<>();
        ConfigEntry ms = config.get(TopicConfig.RETENTION_MS_CONFIG);
        if (ms != null && ms.value() != null) {
            long retention = Long.parseLong(ms.value());
            if (retention >= 0 && retention < requirement.minimum().toMillis()) {
                problems.add("retention.ms=" + retention + " (" + TopicSettings.describe(Duration.ofMillis(retention))
                        + "), needs at least " + requirement.minimum().toMillis() + " (" + TopicSettings.describe(requirement.minimum())
                        + ": " + requirement.why() + ")");
            }
        }
        ConfigEntry bytes = config.get(TopicConfig.RETENTION_BYTES_CONFIG);
        if (bytes != null && bytes.value() != null && Long.parseLong(bytes.value()) >= 0) {
            problems.add("retention.bytes=" + bytes.value() + " may delete records sooner (set it to -1)");
        }
        return problems.isEmpty() ? null : topic + " has " + String.join(" and ", problems)
                + "; raise it with kafka-configs.sh --alter --entity-type topics --entity-name " + topic
                + " --add-config retention.ms=" + requirement.minimum().toMillis();
    }
}
