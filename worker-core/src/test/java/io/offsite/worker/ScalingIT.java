package io.offsite.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.offsite.events.Topics;
import io.offsite.events.v1.JobCompleted;
import io.offsite.events.v1.JobRequested;
import io.offsite.events.v1.JobStatus;
import io.offsite.events.v1.Trigger;
import io.offsite.localstack.LocalStack;
import io.offsite.localstack.kafka.EventProbe;
import io.offsite.worker.RuntimeTestApplication.Execution;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Horizontal scaling: three instances of a worker in one consumer group share the requests, each request runs
 * to completion exactly once, runs of one job never overlap, and a stopped instance's run is finished by another.
 */
class ScalingIT {

    static final String GROUP = "scaling-workers";
    final List<ConfigurableApplicationContext> instances = new ArrayList<>();

    ConfigurableApplicationContext start(String name) {
        ConfigurableApplicationContext context = new SpringApplicationBuilder(RuntimeTestApplication.class)
                .web(org.springframework.boot.WebApplicationType.NONE)
                .run("--spring.application.name=" + name,
                        "--spring.kafka.bootstrap-servers=" + LocalStack.kafka().bootstrapServers(),
                        "--offsite.worker.group-id=" + GROUP,
                        "--offsite.worker.shutdown-grace=1s",
                        "--offsite.worker.cleanup-grace=5s",
                        "--spring.main.banner-mode=off");
        instances.add(context);
        return context;
    }

    @AfterEach
    void stop() {
        instances.forEach(ConfigurableApplicationContext::close);
    }

    static JobRequested work(String job, int n, long millis) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        return JobRequested.newBuilder().setRunId(job + "@" + n + "-" + now.toEpochMilli()).setJobName(job).setJobType("VERIFY")
                .setTrigger(Trigger.EXTERNAL).setScheduledFor(now).setRequestedAt(now).setDeadline(now.plus(Duration.ofMinutes(2)))
                .setParameters(Map.of("mode", "work", "millis", Long.toString(millis))).build();
    }

    void awaitStableGroup(int members) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, LocalStack.kafka().bootstrapServers()))) {
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                var group = admin.describeConsumerGroups(List.of(GROUP)).all().get().get(GROUP);
                return group.members().size() == members
                        && group.members().stream().allMatch(m -> !m.assignment().topicPartitions().isEmpty())
                        && group.groupState() == org.apache.kafka.common.GroupState.STABLE;
            });
        }
    }

    @Test
    void threeInstancesShareTheWorkAndAStoppedOnesRunIsFinishedByAnother() {
        RuntimeTestApplication.executions.clear();
        start("worker-a");
        start("worker-b");
        start("worker-c");
        awaitStableGroup(3);

        try (EventProbe probe = new EventProbe(LocalStack.kafka().bootstrapServers())) {
            List<JobRequested> requests = new ArrayList<>();
            for (int i = 0; i < 48; i++) {
                requests.add(work("job-" + (i % 12), i, 150));
            }
            requests.forEach(r -> probe.send(Topics.REQUESTS_VERIFY, r.getJobName(), r));
            for (JobRequested r : requests) {
                assertThat(probe.awaitCompletion(r.getRunId(), Duration.ofSeconds(90)).getStatus()).isEqualTo(JobStatus.SUCCEEDED);
            }

            // other tests' requests on the topic may run too (this group reads it from the start): count only these
            Set<String> sent = requests.stream().map(JobRequested::getRunId).collect(Collectors.toSet());
            List<Execution> runs = RuntimeTestApplication.executions.stream().filter(e -> sent.contains(e.runId())).toList();
            assertThat(runs).hasSize(48);
            assertThat(runs.stream().map(Execution::runId).collect(Collectors.toSet())).hasSize(48);
            requests.forEach(r -> assertThat(probe.completions(r.getRunId())).as("completions of %s", r.getRunId()).hasSize(1));
            Set<String> workers = runs.stream().map(Execution::worker).collect(Collectors.toSet());
            assertThat(workers).as("instances that ran work").hasSizeGreaterThanOrEqualTo(2);
            runs.stream().collect(Collectors.groupingBy(Execution::job)).forEach((job, ofJob) -> {
                List<Execution> ordered = ofJob.stream().sorted(Comparator.comparingLong(Execution::startNanos)).toList();
                for (int i = 1; i < ordered.size(); i++) {
                    assertThat(ordered.get(i).startNanos()).as("runs of %s overlap", job).isGreaterThanOrEqualTo(ordered.get(i - 1).endNanos());
                }
            });

            // stop the instance running a long job: another instance finishes it
            JobRequested longRun = work("job-long", 0, 6000);
            probe.send(Topics.REQUESTS_VERIFY, longRun.getJobName(), longRun);
            await().atMost(Duration.ofSeconds(30)).until(() -> !probe.starts(longRun.getRunId()).isEmpty());
            String first = probe.starts(longRun.getRunId()).get(0).getWorker();
            ConfigurableApplicationContext running = instances.stream()
                    .filter(c -> first.startsWith(c.getEnvironment().getProperty("spring.application.name") + "@")).findFirst().orElseThrow();
            running.close();
            instances.remove(running);

            JobCompleted done = probe.awaitCompletion(longRun.getRunId(), Duration.ofSeconds(120));
            assertThat(done.getStatus()).isEqualTo(JobStatus.SUCCEEDED);
            assertThat(done.getWorker()).isNotEqualTo(first);
            assertThat(probe.completions(longRun.getRunId())).hasSize(1);
            assertThat(RuntimeTestApplication.executions).filteredOn(e -> e.runId().equals(longRun.getRunId()))
                    .extracting(Execution::finished).containsExactly(false, true);
        }
    }
}
