package io.offsite.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.offsite.events.Topics;
import io.offsite.events.v1.JobCompleted;
import io.offsite.events.v1.JobRequested;
import io.offsite.events.v1.JobStarted;
import io.offsite.events.v1.JobStatus;
import io.offsite.events.v1.Trigger;
import io.offsite.localstack.LocalStack;
import io.offsite.localstack.kafka.EventProbe;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Takeover after a crash, on the real broker: a worker instance in a child process takes a request, is killed with
 * SIGKILL mid-run (it leaves its consumer group without a word, as a crashed machine does), and the instance in this
 * JVM runs the request to completion once the session timeout has told the broker the child is gone.
 */
class TakeoverIT {

    static final String GROUP = "takeover-workers";
    static final Duration SESSION_TIMEOUT = Duration.ofSeconds(10);
    static final Duration TAKEOVER_BOUND = Duration.ofSeconds(15);
    static final long JOB_MILLIS = 4000;
    /** Longer than the takeover bound plus the session timeout: the survivor is still busy when the takeover is due. */
    static final long LONG_JOB_MILLIS = 40_000;
    static final int PARTITIONS = 6;

    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void aKilledInstancesRequestIsRunByAnotherWithinTheSessionTimeout() throws Exception {
        String bootstrap = LocalStack.kafka().bootstrapServers();
        Path log = Path.of("target", "takeover-child.log");
        Files.createDirectories(log.getParent());
        Process child = null;
        ConfigurableApplicationContext survivor = null;
        try (EventProbe probe = new EventProbe(bootstrap)) {
            startAtTheEnd(bootstrap);
            child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
                    "-cp", System.getProperty("java.class.path"), ChildWorker.class.getName(), bootstrap, GROUP, "child")
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            survivor = new SpringApplicationBuilder(RuntimeTestApplication.class).web(WebApplicationType.NONE)
                    .run("--spring.application.name=survivor", "--spring.kafka.bootstrap-servers=" + bootstrap,
                            "--offsite.worker.group-id=" + GROUP, "--spring.kafka.consumer.client-id=survivor",
                            "--spring.main.banner-mode=off");
            Set<Integer> childPartitions = awaitBothAssigned(bootstrap, child, log);

            String job = jobOn(childPartitions);
            Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
            JobRequested request = JobRequested.newBuilder().setRunId(job + "@" + now.toEpochMilli()).setJobName(job)
                    .setJobType("VERIFY").setTrigger(Trigger.EXTERNAL).setScheduledFor(now).setRequestedAt(now)
                    .setDeadline(now.plus(Duration.ofMinutes(3)))
                    .setParameters(Map.of("mode", "work", "millis", Long.toString(JOB_MILLIS))).build();
            probe.send(Topics.REQUESTS_VERIFY, job, request);
            await().atMost(Duration.ofSeconds(60)).until(() -> !probe.starts(request.getRunId()).isEmpty());
            assertThat(probe.starts(request.getRunId()).get(0).getWorker()).as("the child took the request").startsWith("child@");

            Instant killedAt = Instant.now();
            child.destroyForcibly();
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).as("the child is dead").isTrue();

            JobCompleted done = probe.awaitCompletion(request.getRunId(), TAKEOVER_BOUND.plusMillis(JOB_MILLIS).plusSeconds(30));
            JobStarted takenOver = probe.starts(request.getRunId()).stream()
                    .filter(s -> s.getWorker().startsWith("survivor@")).findFirst().orElseThrow();
            Duration takeover = Duration.between(killedAt, takenOver.getStartedAt());
            Duration finished = Duration.between(killedAt, done.getFinishedAt());
            System.out.printf("TAKEOVER after kill -9: request started again by the survivor %.1f s after the kill, "
                    + "completed %.1f s after it (job %.1f s, session timeout %s)%n",
                    takeover.toMillis() / 1000.0, finished.toMillis() / 1000.0, JOB_MILLIS / 1000.0, SESSION_TIMEOUT);

            assertThat(done.getStatus()).isEqualTo(JobStatus.SUCCEEDED);
            assertThat(done.getWorker()).startsWith("survivor@");
            assertThat(probe.completions(request.getRunId())).as("completed once").hasSize(1);
            // the broker counts the session from the child's last heartbeat (a third of the session timeout at most
            // before the kill): far sooner would mean the child left politely, which a killed process cannot do
            assertThat(takeover).as("takeover time").isGreaterThanOrEqualTo(SESSION_TIMEOUT.multipliedBy(2).dividedBy(3).minusMillis(500))
                    .isLessThanOrEqualTo(TAKEOVER_BOUND);
            assertThat(finished).as("time to completion").isLessThanOrEqualTo(TAKEOVER_BOUND.plusMillis(JOB_MILLIS + 1000));
        } finally {
            if (child != null) {
                child.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            }
            if (survivor != null) {
                survivor.close();
            }
        }
    }

    /**
     * The same crash while the surviving instance is busy: it is running a job longer than the takeover bound when
     * the child is killed. The survivor (two job slots) must still start the child's request within the bound, while
     * its own job keeps running: its consumer keeps polling while jobs run, so the group rebalances without waiting
     * for that job to end.
     */
    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void aBusySurvivorStillTakesOverWithinTheBound() throws Exception {
        String bootstrap = LocalStack.kafka().bootstrapServers();
        Path log = Path.of("target", "takeover-busy-child.log");
        Files.createDirectories(log.getParent());
        Process child = null;
        ConfigurableApplicationContext survivor = null;
        try (EventProbe probe = new EventProbe(bootstrap)) {
            startAtTheEnd(bootstrap);
            child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
                    "-cp", System.getProperty("java.class.path"), ChildWorker.class.getName(), bootstrap, GROUP, "child")
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            survivor = new SpringApplicationBuilder(RuntimeTestApplication.class).web(WebApplicationType.NONE)
                    .run("--spring.application.name=survivor", "--spring.kafka.bootstrap-servers=" + bootstrap,
                            "--offsite.worker.group-id=" + GROUP, "--spring.kafka.consumer.client-id=survivor",
                            "--offsite.worker.concurrency=2", "--spring.main.banner-mode=off");
            Set<Integer> childPartitions = awaitBothAssigned(bootstrap, child, log);
            Set<Integer> survivorPartitions = new java.util.HashSet<>();
            for (int p = 0; p < PARTITIONS; p++) {
                survivorPartitions.add(p);
            }
            survivorPartitions.removeAll(childPartitions);

            // the survivor is busy with a long job when the child dies
            JobRequested longRun = request(jobOn(survivorPartitions, "busy-"), LONG_JOB_MILLIS);
            probe.send(Topics.REQUESTS_VERIFY, longRun.getJobName(), longRun);
            await().atMost(Duration.ofSeconds(60)).until(() -> !probe.starts(longRun.getRunId()).isEmpty());
            assertThat(probe.starts(longRun.getRunId()).get(0).getWorker()).startsWith("survivor@");

            JobRequested request = request(jobOn(childPartitions, "takeover-"), JOB_MILLIS);
            probe.send(Topics.REQUESTS_VERIFY, request.getJobName(), request);
            await().atMost(Duration.ofSeconds(60)).until(() -> !probe.starts(request.getRunId()).isEmpty());
            assertThat(probe.starts(request.getRunId()).get(0).getWorker()).as("the child took the request").startsWith("child@");

            Instant killedAt = Instant.now();
            child.destroyForcibly();
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).as("the child is dead").isTrue();

            JobCompleted done = probe.awaitCompletion(request.getRunId(), TAKEOVER_BOUND.plusMillis(JOB_MILLIS).plusSeconds(30));
            JobStarted takenOver = probe.starts(request.getRunId()).stream()
                    .filter(s -> s.getWorker().startsWith("survivor@")).findFirst().orElseThrow();
            JobCompleted longDone = probe.awaitCompletion(longRun.getRunId(), Duration.ofMillis(LONG_JOB_MILLIS).plusSeconds(30));
            Duration takeover = Duration.between(killedAt, takenOver.getStartedAt());
            System.out.printf("TAKEOVER by a busy survivor after kill -9: request started again %.1f s after the kill "
                    + "(the survivor's own %.0f s job ended %.1f s after the kill; session timeout %s)%n",
                    takeover.toMillis() / 1000.0, LONG_JOB_MILLIS / 1000.0,
                    Duration.between(killedAt, longDone.getFinishedAt()).toMillis() / 1000.0, SESSION_TIMEOUT);

            assertThat(done.getStatus()).isEqualTo(JobStatus.SUCCEEDED);
            assertThat(done.getWorker()).startsWith("survivor@");
            assertThat(probe.completions(request.getRunId())).as("completed once").hasSize(1);
            assertThat(longDone.getStatus()).isEqualTo(JobStatus.SUCCEEDED);
            assertThat(probe.starts(longRun.getRunId())).as("the long job ran once").hasSize(1);
            assertThat(takenOver.getStartedAt()).as("the survivor was still busy when it took the request over")
                    .isBefore(longDone.getFinishedAt());
            assertThat(takeover).as("takeover time while busy").isLessThanOrEqualTo(TAKEOVER_BOUND);
        } finally {
            if (child != null) {
                child.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            }
            if (survivor != null) {
                survivor.close();
            }
        }
    }

    static JobRequested request(String job, long millis) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        return JobRequested.newBuilder().setRunId(job + "@" + now.toEpochMilli()).setJobName(job)
                .setJobType("VERIFY").setTrigger(Trigger.EXTERNAL).setScheduledFor(now).setRequestedAt(now)
                .setDeadline(now.plus(Duration.ofMinutes(3)))
                .setParameters(Map.of("mode", "work", "millis", Long.toString(millis))).build();
    }

    /**
     * Commits the group's offsets at the end of the request topic before any member joins, so the instances do not
     * first work through other tests' requests (a busy survivor would hold the takeover up until its run ends).
     */
    static void startAtTheEnd(String bootstrap) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            int partitions = admin.describeTopics(List.of(Topics.REQUESTS_VERIFY)).allTopicNames().get()
                    .get(Topics.REQUESTS_VERIFY).partitions().size();
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            for (int p = 0; p < partitions; p++) {
                latest.put(new TopicPartition(Topics.REQUESTS_VERIFY, p), OffsetSpec.latest());
            }
            Map<TopicPartition, OffsetAndMetadata> ends = new HashMap<>();
            admin.listOffsets(latest).all().get().forEach((tp, info) -> ends.put(tp, new OffsetAndMetadata(info.offset())));
            admin.alterConsumerGroupOffsets(GROUP, ends).all().get();
        }
    }

    /** Waits until the child and this JVM's instance both hold partitions of the request topic; returns the child's. */
    static Set<Integer> awaitBothAssigned(String bootstrap, Process child, Path log) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200)).until(() -> {
                if (!child.isAlive()) {
                    throw new AssertionError("the child worker died:\n" + tail(log));
                }
                var group = admin.describeConsumerGroups(List.of(GROUP)).all().get().get(GROUP);
                return group.groupState() == GroupState.STABLE
                        && group.members().stream().anyMatch(m -> m.clientId().startsWith("child"))
                        && group.members().stream().anyMatch(m -> m.clientId().startsWith("survivor"))
                        && group.members().stream().allMatch(m -> requestPartitions(m).size() > 0);
            });
            var group = admin.describeConsumerGroups(List.of(GROUP)).all().get().get(GROUP);
            return group.members().stream().filter(m -> m.clientId().startsWith("child")).findFirst()
                    .map(TakeoverIT::requestPartitions).orElseThrow(() -> new AssertionError("no member of the child in " + group));
        }
    }

    static Set<Integer> requestPartitions(MemberDescription member) {
        return member.assignment().topicPartitions().stream().filter(tp -> tp.topic().equals(Topics.REQUESTS_VERIFY))
                .map(TopicPartition::partition).collect(Collectors.toSet());
    }

    /** A job name whose requests land on one of {@code partitions} (Kafka's default partitioner: murmur2 of the key). */
    static String jobOn(Set<Integer> partitions) {
        return jobOn(partitions, "takeover-");
    }

    static String jobOn(Set<Integer> partitions, String prefix) {
        for (int i = 0; ; i++) {
            String job = prefix + i;
            int partition = Utils.toPositive(Utils.murmur2(job.getBytes(StandardCharsets.UTF_8))) % PARTITIONS;
            if (partitions.contains(partition)) {
                return job;
            }
        }
    }

    static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }
}
