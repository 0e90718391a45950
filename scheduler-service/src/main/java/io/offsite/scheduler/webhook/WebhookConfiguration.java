package io.offsite.scheduler.webhook;

import io.micrometer.core.instrument.MeterRegistry;
import io.offsite.events.Topics;
import io.offsite.scheduler.config.SchedulerProperties;
import io.offsite.scheduler.jobs.JobCatalog;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.type.AnnotatedTypeMetadata;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.kafka.listener.ContainerProperties;
import org.springframework.kafka.listener.KafkaMessageListenerContainer;

/**
 * Webhook notifications of finished runs, present only when {@code offsite.scheduler.webhook.url} is set.
 * A dedicated consumer group reads the event topic; replicas share its partitions, so each completion is
 * notified by one replica, and committed offsets keep a restart from notifying history again. A new group
 * starts at the end of the topic: runs that finished before the first start are not notified.
 */
@Configuration(proxyBeanMethods = false)
@Conditional(WebhookConfiguration.Enabled.class)
class WebhookConfiguration {

    private static final Logger log = LoggerFactory.getLogger(WebhookConfiguration.class);
    /** Records handed to the listener per poll; each may take {@code attempts x timeout} plus back-off. */
    private static final int MAX_POLL_RECORDS = 10;

    static final class Enabled implements Condition {
        @Override
        public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
            String url = context.getEnvironment().getProperty("offsite.scheduler.webhook.url");
            return url != null && !url.isBlank();
        }
    }

    @Bean
    WebhookClient webhookClient(SchedulerProperties properties) {
        SchedulerProperties.Webhook webhook = properties.webhook();
        URI url;
        try {
            url = new URI(webhook.url().trim());
        } catch (URISyntaxException e) {
            // neither the message nor the cause may carry the URL: its user info, path or query may hold a secret
            throw new IllegalArgumentException("offsite.scheduler.webhook.url is not a valid URL (" + e.getReason()
                    + " at index " + e.getIndex() + " of the URL " + WebhookClient.redacted(webhook.url())
                    + "; its user info, path and query are not shown)");
        }
        WebhookClient client = new WebhookClient(url, webhook.timeout(), webhook.attempts(), webhook.backoff(),
                webhook.headers(), duration -> Thread.sleep(duration.toMillis()));
        log.info("Notifying {} of finished runs (notify-on {}, {} attempt(s), timeout {})", client.target(),
                webhook.notifyOn().name().toLowerCase(java.util.Locale.ROOT), webhook.attempts(), webhook.timeout());
        return client;
    }

    @Bean
    CompletionNotifier completionNotifier(JobCatalog catalog, SchedulerProperties properties, WebhookClient client,
            MeterRegistry registry) {
        return new CompletionNotifier(new NotificationFilter(catalog, properties.webhook().notifyOn()), client, registry);
    }

    @Bean
    KafkaMessageListenerContainer<String, byte[]> webhookListenerContainer(KafkaProperties kafka,
            SchedulerProperties properties, CompletionNotifier notifier) {
        SchedulerProperties.Webhook webhook = properties.webhook();
        Duration worstCase = webhook.timeout().multipliedBy(webhook.attempts())
                .plus(webhook.backoff().multipliedBy((1L << Math.min(webhook.attempts() - 1, 20)) - 1));
        Map<String, Object> config = new HashMap<>(kafka.buildConsumerProperties());
        config.put(ConsumerConfig.GROUP_ID_CONFIG, webhook.group());
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, properties.instanceId() == null ? "scheduler-webhook"
                : properties.instanceId() + "-webhook");
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, MAX_POLL_RECORDS);
        config.put(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG,
                (int) Math.min(Integer.MAX_VALUE, Math.max(300_000L, 2 * MAX_POLL_RECORDS * worstCase.toMillis())));
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        ContainerProperties container = new ContainerProperties(Topics.JOB_EVENTS);
        container.setAckMode(ContainerProperties.AckMode.RECORD);
        container.setMessageListener(notifier);
        container.setConsumerRebalanceListener(notifier);
        container.setShutdownTimeout(worstCase.toMillis() + 5_000);
        KafkaMessageListenerContainer<String, byte[]> listener =
                new KafkaMessageListenerContainer<>(new DefaultKafkaConsumerFactory<>(config), container);
        listener.setBeanName("scheduler-webhook");
        return listener;
    }

    @Bean
    HealthIndicator webhookHealthIndicator(CompletionNotifier notifier, WebhookClient client,
            KafkaMessageListenerContainer<String, byte[]> webhookListenerContainer, SchedulerProperties properties) {
        return () -> {
            Health.Builder health = webhookListenerContainer.isRunning() ? Health.up() : Health.down();
            health.withDetail("target", client.target())
                    .withDetail("notify", properties.webhook().notifyOn().name().toLowerCase(java.util.Locale.ROOT))
                    .withDetail("assignedPartitions", notifier.assigned().size())
                    .withDetail("sent", notifier.sent())
                    .withDetail("failed", notifier.failed());
            if (notifier.lastFailure() != null) {
                health.withDetail("lastFailure", notifier.lastFailure());
            }
            return health.build();
        };
    }
}
