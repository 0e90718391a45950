package io.offsite.scheduler.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.offsite.events.Topics;
import io.offsite.events.v1.JobRequested;
import io.offsite.localstack.LocalStack;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Several replicas: exactly one fires; when it stops, another takes over without double fires. */
@Timeout(180)
class LeadershipIT {

    @Test
    void twoInstancesFireEachFireOnceAndTheSurvivorTakesOver() throws Exception {
        String name = "it-leader-" + UUID.randomUUID().toString().substring(0, 8);
        String group = "it-leader-" + UUID.randomUUID();
        String p = "--offsite.scheduler.jobs." + name + ".";
        String[] job = {p + "type=VERIFY", p + "cron=*/2 * * * * *", p + "timeout=10m", p + "exclusive=false",
                "--offsite.scheduler.missed-fire-grace=30s"};
        try (var tail = new TopicTail(LocalStack.kafka().bootstrapServers(), List.of(Topics.REQUESTS_VERIFY));
                var a = SchedulerInstance.start("replica-a", group, job);
                var b = SchedulerInstance.start("replica-b", group, job)) {
            await().atMost(Duration.ofSeconds(60)).until(() -> fires(tail, name).size() >= 6);
            List<JobRequested> before = fires(tail, name);
            assertNoDuplicates(before);
            assertThat(before.stream().map(JobRequested::getRequestedBy).distinct()).as("one leader fires").hasSize(1);
            assertContiguous(before);

            String leader = before.get(0).getRequestedBy();
            SchedulerInstance survivor = leader.equals(a.name()) ? b : a;
            (leader.equals(a.name()) ? a : b).close();
            Instant stoppedAt = Instant.now();

            await().atMost(Duration.ofSeconds(30)).until(() -> fires(tail, name).stream()
                    .filter(r -> r.getRequestedBy().equals(survivor.name())).count() >= 3);
            List<JobRequested> after = fires(tail, name);
            assertNoDuplicates(after);
            List<JobRequested> bySurvivor = after.stream().filter(r -> r.getRequestedBy().equals(survivor.name())).toList();
            assertThat(bySurvivor.get(0).getRequestedAt()).as("handover within seconds")
                    .isBefore(stoppedAt.plusSeconds(15));
            assertContiguous(bySurvivor.subList(1, bySurvivor.size()));
            assertThat(survivor.get("/actuator/health").json().get("components").get("scheduler").get("details")
                    .get("leader").asBoolean()).isTrue();
        }
    }

    private static List<JobRequested> fires(TopicTail tail, String job) {
        return tail.all(JobRequested.class).stream().filter(r -> r.getJobName().equals(job))
                .sorted(java.util.Comparator.comparing(JobRequested::getScheduledFor)).toList();
    }

    private static void assertNoDuplicates(List<JobRequested> fires) {
        var counts = fires.stream().collect(Collectors.groupingBy(JobRequested::getRunId, Collectors.counting()));
        assertThat(counts).as("each fire requested once").allSatisfy((runId, count) -> assertThat(count).isEqualTo(1));
    }

    private static void assertContiguous(List<JobRequested> fires) {
        for (int i = 1; i < fires.size(); i++) {
            assertThat(Duration.between(fires.get(i - 1).getScheduledFor(), fires.get(i).getScheduledFor()))
                    .as("no fire skipped while leading").isEqualTo(Duration.ofSeconds(2));
        }
    }
}
