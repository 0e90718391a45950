package io.offsite.events;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every service checks about Kafka once it has started: one WARN when it connects unauthenticated, and, in the
 * background so start-up is not held up, one WARN when topics it relies on keep records too briefly
 * ({@link TopicRetentionCheck}). Neither ever stops the service.
 */
public final class KafkaStartupChecks {

    private static final Logger log = LoggerFactory.getLogger(KafkaStartupChecks.class);
    static final Duration TIMEOUT = Duration.ofSeconds(15);

    private KafkaStartupChecks() {
    }

    /** Runs both checks for {@code service}; {@code adminConfig} is the service's admin client configuration. */
    public static Thread run(String service, Map<String, Object> adminConfig, Map<String, TopicRetentionCheck.Requirement> required) {
        KafkaClientSecurity.unauthenticatedWarning(adminConfig, service).ifPresent(log::warn);
        Thread thread = new Thread(() -> checkRetention(service, adminConfig, required), "kafka-topic-check");
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    static void checkRetention(String service, Map<String, Object> adminConfig, Map<String, TopicRetentionCheck.Requirement> required) {
        Map<String, Object> config = new HashMap<>(adminConfig);
        config.put(AdminClientConfig.CLIENT_ID_CONFIG, service + "-topic-check");
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) TIMEOUT.toMillis());
        config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) TIMEOUT.toMillis());
        try (Admin admin = Admin.create(config)) {
            List<String> warnings = TopicRetentionCheck.check(admin, required, TIMEOUT);
            warnings.forEach(w -> log.warn("{}: {}", service, w));
            if (warnings.isEmpty()) {
                log.debug("{}: retention of {} is long enough", service, required.keySet());
            }
        } catch (RuntimeException e) {
            log.warn("{}: cannot check the retention of Kafka topics {}: {}", service, required.keySet(), e.toString());
        }
    }
}
