package io.offsite.scheduler.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.offsite.events.v1.JobCompleted;
import io.offsite.events.v1.JobRequested;
import io.offsite.events.v1.JobStatus;
import io.offsite.events.v1.Trigger;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tools.jackson.databind.JsonNode;

/** The paged run history on a real broker: pages, filters, the per-job cap and bad parameters. */
@Timeout(120)
class RunHistoryIT {

    @Test
    void pagesFiltersAndSaysHowFarTheHistoryReaches() throws Exception {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String busy = "it-history-busy-" + suffix;
        String quiet = "it-history-quiet-" + suffix;
        Instant base = Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(Duration.ofHours(1));
        List<String> busyRuns = new ArrayList<>();
        try (var sender = new EventSender()) {
            for (int i = 0; i < 30; i++) {
                JobRequested request = request(busy, busy + "@" + i, base.plus(Duration.ofMinutes(i)));
                sender.requested(request);
                sender.completed(done(request, i % 4 == 0 ? JobStatus.FAILED : JobStatus.SUCCEEDED));
                busyRuns.add(0, request.getRunId());
            }
            JobRequested one = request(quiet, quiet + "@0", base);
            sender.requested(one);
            sender.completed(done(one, JobStatus.SUCCEEDED));
        }
        String b = "--offsite.scheduler.jobs." + busy + ".";
        String q = "--offsite.scheduler.jobs." + quiet + ".";
        try (var scheduler = SchedulerInstance.start("history", "it-history-" + UUID.randomUUID(),
                "--offsite.scheduler.history.runs-per-job=20",
                b + "type=BACKUP", b + "timeout=1h", q + "type=BACKUP", q + "timeout=1h")) {
            // an empty page (the history not read yet) fails the assertion and is asked again
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(
                    names(scheduler.get("/api/v1/runs?job=" + busy + "&size=1").json())).first().isEqualTo(busy + "@29"));

            // pages of 7 through the 20 runs kept, newest first, each run once
            List<String> seen = new ArrayList<>();
            String cursor = null;
            int pages = 0;
            do {
                JsonNode page = scheduler.get("/api/v1/runs?job=" + busy + "&size=7"
                        + (cursor == null ? "" : "&cursor=" + cursor)).json();
                page.get("runs").forEach(run -> seen.add(run.get("runId").asString()));
                assertThat(page.get("truncated").asBoolean()).isTrue();
                assertThat(page.get("droppedRuns").asLong()).isEqualTo(10);
                assertThat(page.get("historyFrom").asString()).isEqualTo(base.plus(Duration.ofMinutes(10)).toString());
                cursor = page.get("next").isNull() ? null : page.get("next").asString();
                pages++;
            } while (cursor != null);
            assertThat(pages).isEqualTo(3);
            assertThat(new HashSet<>(seen)).hasSameSizeAs(seen);
            assertThat(seen).containsExactlyElementsOf(busyRuns.subList(0, 20));

            JsonNode quietPage = scheduler.get("/api/v1/runs?job=" + quiet).json();
            assertThat(quietPage.get("truncated").asBoolean()).isFalse();
            assertThat(quietPage.get("historyFrom").asString()).isEqualTo(base.toString());
            assertThat(quietPage.get("next").isNull()).isTrue();

            // filters: status and a time range [from, to)
            JsonNode failed = scheduler.get("/api/v1/runs?job=" + busy + "&status=failed").json();
            assertThat(names(failed)).containsExactly(busy + "@28", busy + "@24", busy + "@20", busy + "@16", busy + "@12");
            JsonNode range = scheduler.get("/api/v1/runs?job=" + busy + "&from=" + iso(base.plus(Duration.ofMinutes(14)))
                    + "&to=" + URLEncoder.encode(base.plus(Duration.ofMinutes(17)).atOffset(java.time.ZoneOffset.ofHours(2))
                            .toString(), StandardCharsets.UTF_8)).json();
            assertThat(names(range)).containsExactly(busy + "@16", busy + "@15", busy + "@14");
            assertThat(scheduler.get("/api/v1/runs?job=" + busy + "&limit=2").json().get("runs").size())
                    .as("the former name of size").isEqualTo(2);

            // bad parameters: 400 problems naming the parameter
            for (var bad : Map.of("size=0", "size", "limit=abc", "limit", "size=1001", "size", "status=bogus", "status",
                    "from=yesterday", "from", "to=2026-13-01T00:00:00Z", "to", "cursor=garbage", "cursor",
                    "from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z", "from").entrySet()) {
                var response = scheduler.get("/api/v1/runs?" + bad.getKey());
                assertThat(response.status()).as(bad.getKey()).isEqualTo(400);
                assertThat(response.contentType()).contains("application/problem+json");
                assertThat(response.json().get("parameter").asString()).as(bad.getKey()).isEqualTo(bad.getValue());
                assertThat(response.json().get("detail").asString()).as(bad.getKey()).contains(bad.getValue());
            }
        }
    }

    /**
     * More runs of one job than may be active at once, each requested then completed: the history keeps 5. Read
     * partition by partition, the requests (or the completions) of the older runs would be dropped before their other
     * half is read, and their successes lost; folded in timestamp order, each request meets its completion.
     */
    @Test
    void aLongHistoryIsFoldedInTheOrderItHappened() throws Exception {
        String job = "it-history-order-" + UUID.randomUUID().toString().substring(0, 8);
        Instant base = Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(Duration.ofHours(3));
        Instant lastSuccess = null;
        try (var sender = new EventSender()) {
            for (int i = 0; i < 150; i++) {
                JobRequested request = request(job, job + "@" + i, base.plus(Duration.ofMinutes(i)));
                JobCompleted completion = done(request, i < 50 ? JobStatus.SUCCEEDED : JobStatus.FAILED);
                sender.requested(request);
                sender.completed(completion);
                if (i < 50) {
                    lastSuccess = completion.getFinishedAt();
                }
            }
        }
        String j = "--offsite.scheduler.jobs." + job + ".";
        try (var scheduler = SchedulerInstance.start("history-order", "it-history-order-" + UUID.randomUUID(),
                "--offsite.scheduler.history.runs-per-job=5", j + "type=BACKUP", j + "timeout=1h")) {
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(
                    names(scheduler.get("/api/v1/runs?job=" + job + "&size=1").json())).first().isEqualTo(job + "@149"));
            JsonNode page = scheduler.get("/api/v1/runs?job=" + job).json();
            assertThat(names(page)).containsExactly(job + "@149", job + "@148", job + "@147", job + "@146", job + "@145");
            assertThat(page.get("droppedRuns").asLong()).isEqualTo(145);
            String expected = lastSuccess.toString();
            JsonNode jobs = scheduler.get("/api/v1/jobs").json();
            List<String> found = new ArrayList<>();
            jobs.forEach(view -> {
                if (view.get("name").asString().equals(job)) {
                    found.add(view.get("lastSuccessAt").asString());
                }
            });
            assertThat(found).as("the success of run 49, whose request and completion were both read")
                    .containsExactly(expected);
        }
    }

    private static String iso(Instant instant) {
        return instant.toString();
    }

    private static List<String> names(JsonNode page) {
        List<String> ids = new ArrayList<>();
        page.get("runs").forEach(run -> ids.add(run.get("runId").asString()));
        return ids;
    }

    private static JobRequested request(String job, String runId, Instant at) {
        return JobRequested.newBuilder().setRunId(runId).setJobName(job).setJobType("BACKUP").setAttempt(1)
                .setTrigger(Trigger.EXTERNAL).setScheduledFor(at).setRequestedAt(at).setDeadline(at.plus(Duration.ofMinutes(30)))
                .setRequestedBy("elsewhere").build();
    }

    private static JobCompleted done(JobRequested request, JobStatus status) {
        Instant at = request.getRequestedAt().plusSeconds(30);
        return JobCompleted.newBuilder().setRunId(request.getRunId()).setJobName(request.getJobName()).setJobType("BACKUP")
                .setAttempt(1).setStatus(status).setRetryable(false).setStartedAt(request.getRequestedAt()).setFinishedAt(at)
                .setWorker("test-worker").setScheduledFor(request.getScheduledFor()).build();
    }
}
