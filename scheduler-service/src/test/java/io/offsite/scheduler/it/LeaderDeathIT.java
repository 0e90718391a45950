package io.offsite.scheduler.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.offsite.events.Topics;
import io.offsite.events.v1.JobRequested;
import io.offsite.localstack.LocalStack;
import io.offsite.scheduler.SchedulerApplication;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A leader that dies without leaving the group (its process is killed) is replaced after the session
 * timeout; the successor continues the schedule without firing anything twice.
 */
@Timeout(240)
class LeaderDeathIT {

    @Test
    void whenTheLeaderProcessIsKilledAnotherReplicaTakesOverWithinSeconds() throws Exception {
        String name = "it-death-" + UUID.randomUUID().toString().substring(0, 8);
        String group = "it-death-" + UUID.randomUUID();
        String p = "--offsite.scheduler.jobs." + name + ".";
        List<String> args = List.of(p + "type=VERIFY", p + "cron=*/2 * * * * *", p + "timeout=10m",
                "--offsite.scheduler.missed-fire-grace=60s");
        Process child = startChild(group, args);
        try (var tail = new TopicTail(LocalStack.kafka().bootstrapServers(), List.of(Topics.REQUESTS_VERIFY))) {
            await().atMost(Duration.ofSeconds(90)).until(() -> fires(tail, name).size() >= 2);
            assertThat(fires(tail, name)).allMatch(r -> r.getRequestedBy().equals("child"));

            try (var survivor = SchedulerInstance.start("survivor", group, args.toArray(String[]::new))) {
                Thread.sleep(5_000); // the survivor joins; leadership stays with the healthy child
                assertThat(fires(tail, name)).allMatch(r -> r.getRequestedBy().equals("child"));

                child.destroyForcibly().waitFor();
                Instant killedAt = Instant.now();
                await().atMost(Duration.ofSeconds(30)).until(() -> fires(tail, name).stream()
                        .filter(r -> r.getRequestedBy().equals("survivor")).count() >= 3);

                List<JobRequested> all = fires(tail, name);
                var counts = all.stream().collect(Collectors.groupingBy(JobRequested::getRunId, Collectors.counting()));
                assertThat(counts).as("no fire requested twice").allSatisfy((runId, n) -> assertThat(n).isEqualTo(1));
                JobRequested first = all.stream().filter(r -> r.getRequestedBy().equals("survivor")).findFirst().orElseThrow();
                assertThat(first.getRequestedAt()).as("taken over within seconds").isBefore(killedAt.plusSeconds(15));
                JobRequested lastOfChild = all.stream().filter(r -> r.getRequestedBy().equals("child"))
                        .reduce((a, b) -> b).orElseThrow();
                assertThat(first.getScheduledFor()).as("continues after the dead leader's last fire")
                        .isAfter(lastOfChild.getScheduledFor());
            }
        } finally {
            child.destroyForcibly().waitFor();
        }
    }

    private static Process startChild(String group, List<String> jobArgs) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>(List.of(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                SchedulerApplication.class.getName(),
                "--server.port=0", "--server.address=127.0.0.1",
                "--spring.kafka.bootstrap-servers=" + LocalStack.kafka().bootstrapServers(),
                "--offsite.scheduler.instance-id=child", "--offsite.scheduler.leadership-group=" + group,
                "--offsite.scheduler.tick-interval=200ms", "--offsite.scheduler.leadership-session-timeout=6s"));
        command.addAll(jobArgs);
        ProcessBuilder child = new ProcessBuilder(command);
        child.environment().put("OFFSITE_SCHEDULER_API_TOKEN", SchedulerInstance.TOKEN);
        Path log = Path.of(System.getProperty("offsite.test.data", "target"), "leader-death-child.log");
        Files.createDirectories(log.getParent());
        return child.redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    private static List<JobRequested> fires(TopicTail tail, String job) {
        return tail.all(JobRequested.class).stream().filter(r -> r.getJobName().equals(job))
                .sorted(Comparator.comparing(JobRequested::getScheduledFor)).toList();
    }
}
