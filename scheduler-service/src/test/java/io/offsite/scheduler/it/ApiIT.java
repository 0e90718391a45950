package io.offsite.scheduler.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.offsite.events.Topics;
import io.offsite.events.v1.Artifact;
import io.offsite.events.v1.JobCompleted;
import io.offsite.events.v1.JobRequested;
import io.offsite.events.v1.JobStatus;
import io.offsite.localstack.LocalStack;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tools.jackson.databind.JsonNode;

/** The HTTP interface, the bearer token, metrics, and what the scheduler records on the event topic itself. */
@Timeout(180)
class ApiIT {

    @Test
    void jobsRunsStatsTokenMetricsAndSchedulerOwnEvents() throws Exception {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String backup = "it-api-backup-" + suffix;
        String slow = "it-api-slow-" + suffix;
        String b = "--offsite.scheduler.jobs." + backup + ".";
        String s = "--offsite.scheduler.jobs." + slow + ".";
        try (var tail = new TopicTail(LocalStack.kafka().bootstrapServers(), List.of(Topics.REQUESTS_BACKUP, Topics.JOB_EVENTS));
                var sender = new EventSender();
                var scheduler = SchedulerInstance.start("api", "it-api-" + UUID.randomUUID(),
                        "--offsite.scheduler.timeout-grace=1s",
                        b + "type=BACKUP", b + "exclusive=true", b + "timeout=1m", b + "parameters.source=series-" + suffix,
                        s + "type=BACKUP", s + "exclusive=true", s + "timeout=1s", s + "retries=0")) {
            // job listing: the shipped jobs plus ours, with next fire times
            JsonNode jobs = scheduler.get("/api/v1/jobs").json();
            List<String> names = new ArrayList<>();
            jobs.forEach(j -> names.add(j.get("name").asString()));
            assertThat(names).contains("backup-database", "rotate-backups", "replicate-to-primary", backup, slow);
            jobs.forEach(j -> {
                if (j.get("name").asString().equals("rotate-backups")) {
                    assertThat(j.get("cron").asString()).isEqualTo("0 1 * * *");
                    assertThat(j.get("nextFireAt").asString()).endsWith("T01:00:00Z");
                    assertThat(j.get("dependsOn").get(0).asString()).isEqualTo("backup-database");
                    assertThat(j.get("timeout").asString()).isEqualTo("PT1M");
                    assertThat(j.get("retryDelay").asString()).isEqualTo("PT30S");
                    assertThat(j.get("parameters").get("series").asString()).isEqualTo("pokemon-data");
                }
            });

            // the token protects triggers
            var denied = scheduler.request("POST", "/api/v1/jobs/" + backup + "/runs", null);
            assertThat(denied.status()).isEqualTo(401);
            assertThat(denied.contentType()).contains("application/problem+json");
            var wrong = scheduler.post("/api/v1/jobs/" + backup + "/runs", null, "Authorization", "Bearer nope");
            assertThat(wrong.status()).isEqualTo(401);
            var accepted = scheduler.post("/api/v1/jobs/" + backup + "/runs", null);
            assertThat(accepted.status()).isEqualTo(202);
            String runId = accepted.json().get("runId").asString();

            // an exclusive job that is running: 409 and a SKIPPED completion on the event topic
            Thread.sleep(5);
            var conflict = scheduler.post("/api/v1/jobs/" + backup + "/runs", null);
            assertThat(conflict.status()).isEqualTo(409);
            String skippedRunId = conflict.json().get("runId").asString();
            await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(tail.all(JobCompleted.class))
                    .anySatisfy(c -> {
                        assertThat(c.getRunId()).isEqualTo(skippedRunId);
                        assertThat(c.getStatus()).isEqualTo(JobStatus.SKIPPED);
                        assertThat(c.getMessage()).isEqualTo("already running: " + runId);
                    }));

            // a worker reports success with an artifact: history and stats show it
            JobRequested request = await().atMost(Duration.ofSeconds(15)).until(() -> tail.all(JobRequested.class).stream()
                    .filter(r -> r.getRunId().equals(runId)).findFirst(), java.util.Optional::isPresent).orElseThrow();
            String key = "series-" + suffix + "/one-" + request.getScheduledFor().toString().replace(':', '-') + ".gz";
            try (var store = new io.offsite.worker.storage.ObjectStore(io.offsite.worker.storage.StorageProperties.of(
                    LocalStack.s3().endpoint(), LocalStack.s3().accessKey(), LocalStack.s3().secretKey(), LocalStack.s3().bucket()))) {
                store.putSmall(key, new byte[1234], "application/gzip", java.util.Map.of());
            }
            sender.completed(JobCompleted.newBuilder(EventSender.completionOf(request, JobStatus.SUCCEEDED, false))
                    .setArtifacts(List.of(new Artifact(LocalStack.s3().bucket(), key, 1234L, "ab12", 5000L, "gzip", null)))
                    .build());
            await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
                JsonNode run = scheduler.get("/api/v1/runs/" + runId).json();
                assertThat(run.get("summary").get("status").asString()).isEqualTo("SUCCEEDED");
                assertThat(run.get("attempts").get(0).get("artifacts").get(0).get("sizeBytes").asLong()).isEqualTo(1234);
            });
            JsonNode stats = scheduler.get("/api/v1/backups/stats").json();
            JsonNode series = null;
            for (JsonNode candidate : stats.get("series")) {
                if (candidate.get("series").asString().equals("series-" + suffix)) {
                    series = candidate;
                }
            }
            assertThat(series).isNotNull();
            assertThat(series.get("count").asInt()).isEqualTo(1);
            assertThat(series.get("totalSizeBytes").asLong()).isEqualTo(1234);
            assertThat(series.get("newest").asString()).isEqualTo(request.getScheduledFor().toString());

            var filtered = scheduler.get("/api/v1/runs?job=" + backup + "&status=skipped&limit=10").json().get("runs");
            assertThat(filtered.size()).isEqualTo(1);
            assertThat(filtered.get(0).get("runId").asString()).isEqualTo(skippedRunId);
            assertThat(scheduler.get("/api/v1/runs?status=bogus").status()).isEqualTo(400);
            assertThat(scheduler.get("/api/v1/runs/nope@never").status()).isEqualTo(404);

            // no completion by deadline + grace: the scheduler publishes TIMED_OUT itself
            String slowRun = scheduler.post("/api/v1/jobs/" + slow + "/runs", null)
                    .json().get("runId").asString();
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(tail.all(JobCompleted.class))
                    .anySatisfy(c -> {
                        assertThat(c.getRunId()).isEqualTo(slowRun);
                        assertThat(c.getStatus()).isEqualTo(JobStatus.TIMED_OUT);
                        assertThat(c.getWorker()).isEqualTo("api");
                    }));

            String metrics = scheduler.get("/actuator/prometheus").body();
            assertThat(metrics).contains("offsite_scheduler_dispatched_total{job=\"" + backup + "\",trigger=\"MANUAL\"} 1.0");
            assertThat(metrics).contains("offsite_scheduler_skipped_total{job=\"" + backup + "\",reason=\"already-running\"} 1.0");
            assertThat(metrics).contains("offsite_scheduler_timed_out_total{job=\"" + slow + "\"} 1.0");
            assertThat(metrics).containsPattern("offsite_scheduler_last_success_seconds\\{job=\"" + backup + "\"} \\d");
            assertThat(scheduler.get("/openapi.yaml").body()).contains("/api/v1/jobs/{name}/runs");
        }
    }

    @Test
    void anInvalidJobDefinitionStopsStartUpNamingTheJobAndField() {
        assertThatThrownBy(() -> SchedulerInstance.start("invalid", "it-invalid-" + UUID.randomUUID(),
                "--offsite.scheduler.jobs.broken.type=BACKUP", "--offsite.scheduler.jobs.broken.cron=0 0 * *").close())
                .satisfies(e -> assertThat(messages(e)).contains("job 'broken', field 'cron'"));
        assertThatThrownBy(() -> SchedulerInstance.start("invalid", "it-invalid-" + UUID.randomUUID(),
                "--offsite.scheduler.jobs.orphan.type=ROTATION",
                "--offsite.scheduler.jobs.orphan.depends-on=nobody").close())
                .satisfies(e -> assertThat(messages(e)).contains("job 'orphan', field 'depends-on'"));
    }

    private static String messages(Throwable e) {
        StringBuilder all = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            all.append(t.getMessage()).append('\n');
        }
        return all.toString();
    }
}
