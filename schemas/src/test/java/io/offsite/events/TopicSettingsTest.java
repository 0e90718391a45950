package io.offsite.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TopicSettingsTest {

    @Test
    void everyTopicHasItsPartitionsAndRetention() {
        TopicSettings defaults = TopicSettings.DEFAULTS;
        assertThat(defaults.all()).extracting(TopicSpec::name).containsAll(Topics.all()).contains(Topics.SCHEDULER_LEADERSHIP)
                .doesNotHaveDuplicates();
        assertThat(defaults.jobEvents().retention()).contains(Duration.ofDays(400));
        assertThat(defaults.jobEvents().partitions()).isEqualTo(6);
        // the scheduler counts a completion only with its request: requests are kept as long as the events
        assertThat(defaults.requests(Topics.JobType.BACKUP).retention()).contains(Duration.ofDays(400));
        assertThat(defaults.deadLetters(Topics.JobType.VERIFY).retention()).contains(Duration.ofDays(30));
        assertThat(defaults.deadLetters(Topics.JobType.VERIFY).name()).isEqualTo("offsite.requests.verify.dlt");
        TopicSpec leadership = defaults.leadership(Topics.SCHEDULER_LEADERSHIP);
        assertThat(leadership.partitions()).isEqualTo(1);
        assertThat(leadership.retention()).isEmpty();
        assertThat(defaults.jobEvents().newTopic().configs()).containsEntry("retention.ms", "34560000000");
    }

    @Test
    void settingsComeFromConfigurationWithReadableDurations() {
        Map<String, String> config = Map.of(TopicSettings.EVENT_RETENTION, "500d", TopicSettings.DEAD_LETTER_RETENTION, "P14D",
                TopicSettings.PARTITIONS, "12", TopicSettings.REPLICATION_FACTOR, "3");
        TopicSettings settings = TopicSettings.from(config::get);
        assertThat(settings.eventRetention()).isEqualTo(Duration.ofDays(500));
        assertThat(settings.requestRetention()).as("follows the events unless set").isEqualTo(Duration.ofDays(500));
        assertThat(settings.deadLetterRetention()).isEqualTo(Duration.ofDays(14));
        assertThat(settings.jobEvents().partitions()).isEqualTo(12);
        assertThat(settings.jobEvents().replicationFactor()).isEqualTo((short) 3);
        assertThat(TopicSettings.from(Map.of(TopicSettings.REQUEST_RETENTION, "36h")::get).requestRetention()).isEqualTo(Duration.ofHours(36));
        assertThat(TopicSettings.from(k -> null)).isEqualTo(TopicSettings.DEFAULTS);
        assertThatThrownBy(() -> TopicSettings.from(Map.of(TopicSettings.EVENT_RETENTION, "forever")::get))
                .hasMessageContaining("offsite.topics.event-retention must be a duration such as 400d");
        assertThatThrownBy(() -> TopicSettings.from(Map.of(TopicSettings.EVENT_RETENTION, "0d")::get))
                .hasMessageContaining("must be a positive duration");
        assertThat(TopicSettings.describe(Duration.ofDays(7))).isEqualTo("7d");
        assertThat(TopicSettings.describe(Duration.ofHours(36))).isEqualTo("36h");
    }

    @Test
    void aPlaintextConnectionIsCalledUnauthenticated() {
        assertThat(KafkaClientSecurity.unauthenticatedWarning(Map.of("bootstrap.servers", "kafka:9092"), "backup-worker"))
                .hasValueSatisfying(w -> assertThat(w).startsWith("backup-worker connects to Kafka kafka:9092 over PLAINTEXT: unauthenticated")
                        .contains("KAFKA_SECURITY_PROTOCOL=SASL_PLAINTEXT"));
        assertThat(KafkaClientSecurity.unauthenticatedWarning(Map.of("bootstrap.servers", java.util.List.of("a:1", "b:2"),
                "security.protocol", "plaintext"), "scheduler-service")).hasValueSatisfying(w -> assertThat(w).contains("Kafka a:1,b:2 over"));
        assertThat(KafkaClientSecurity.unauthenticatedWarning(Map.of("security.protocol", "SASL_PLAINTEXT"), "backup-worker")).isEmpty();
    }

    @Test
    void workerGroupsFollowTheJobType() {
        assertThat(Topics.JobType.VERIFY.workerGroup()).isEqualTo("offsite-verify-workers");
    }
}
