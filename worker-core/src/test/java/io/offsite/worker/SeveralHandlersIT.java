package io.offsite.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.offsite.events.Topics;
import io.offsite.events.Topics.JobType;
import io.offsite.events.v1.JobCompleted;
import io.offsite.events.v1.JobRequested;
import io.offsite.events.v1.JobStatus;
import io.offsite.events.v1.Trigger;
import io.offsite.localstack.LocalStack;
import io.offsite.localstack.kafka.EventProbe;
import io.offsite.worker.job.JobHandler;
import io.offsite.worker.job.JobOutcome;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupListing;
import org.junit.jupiter.api.Test;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;

/** One application declaring two handlers: each type's requests reach its own handler, in its own consumer group. */
class SeveralHandlersIT {

    static final Duration WAIT = Duration.ofSeconds(60);

    /** Not a component (no {@code @Configuration}), so the other test applications' scans do not pick it up. */
    @EnableAutoConfiguration
    static class TwoHandlers {

        @Bean
        JobHandler rotationHandler() {
            return handler(JobType.ROTATION);
        }

        @Bean
        JobHandler replicationHandler() {
            return handler(JobType.REPLICATION);
        }
    }

    /** Two handlers of one type: the application must not start. */
    @EnableAutoConfiguration
    static class SameTypeTwice {

        @Bean
        JobHandler first() {
            return handler(JobType.ROTATION);
        }

        @Bean
        JobHandler second() {
            return handler(JobType.ROTATION);
        }
    }

    static JobHandler handler(JobType type) {
        return new JobHandler() {
            @Override
            public JobType jobType() {
                return type;
            }

            @Override
            public JobOutcome run(io.offsite.worker.job.JobContext context) {
                return JobOutcome.succeeded("handled by the " + type + " handler");
            }
        };
    }

    static ConfigurableApplicationContext start(Class<?> application, String group) {
        return new SpringApplicationBuilder(application).web(WebApplicationType.NONE)
                .run("--spring.application.name=two-handlers",
                        "--spring.kafka.bootstrap-servers=" + LocalStack.kafka().bootstrapServers(),
                        "--offsite.worker.group-id=" + group,
                        "--offsite.worker.shutdown-grace=1s",
                        "--spring.main.banner-mode=off");
    }

    static JobRequested request(JobType type) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        String job = "two-handlers-" + type.name().toLowerCase();
        return JobRequested.newBuilder().setRunId(job + "@" + UUID.randomUUID()).setJobName(job).setJobType(type.name())
                .setTrigger(Trigger.MANUAL).setScheduledFor(now).setRequestedAt(now).setDeadline(now.plus(Duration.ofMinutes(1)))
                .setParameters(Map.of()).build();
    }

    @Test
    void eachTypeIsConsumedByItsHandlerInItsOwnGroup() throws Exception {
        String group = "two-handlers-" + UUID.randomUUID();
        try (ConfigurableApplicationContext context = start(TwoHandlers.class, group);
             EventProbe probe = new EventProbe(LocalStack.kafka().bootstrapServers())) {
            for (JobType type : List.of(JobType.ROTATION, JobType.REPLICATION)) {
                JobRequested request = request(type);
                probe.send(type.requestTopic(), request.getJobName(), request);
                JobCompleted done = probe.awaitCompletion(request.getRunId(), WAIT);
                assertThat(done.getStatus()).as("%s", done).isEqualTo(JobStatus.SUCCEEDED);
                assertThat(done.getMessage()).isEqualTo("handled by the " + type + " handler");
            }
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, LocalStack.kafka().bootstrapServers()))) {
                List<String> groups = admin.listConsumerGroups().all().get().stream().map(ConsumerGroupListing::groupId).toList();
                assertThat(groups).contains(group + "-rotation", group + "-replication").doesNotContain(group);
                assertThat(admin.listTopics().names().get()).contains(Topics.deadLetterTopic(Topics.REQUESTS_ROTATION),
                        Topics.deadLetterTopic(Topics.REQUESTS_REPLICATION));
            }
        }
    }

    @Test
    void twoHandlersOfOneTypeStopTheStartWithTheReason() {
        assertThatThrownBy(() -> start(SameTypeTwice.class, "same-type-" + UUID.randomUUID()).close())
                .rootCause().hasMessageContaining("two job handlers for ROTATION").hasMessageContaining("one handler per job type");
    }
}
