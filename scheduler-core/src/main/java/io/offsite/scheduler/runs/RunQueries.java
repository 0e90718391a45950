package io.offsite.scheduler.runs;

import io.offsite.scheduler.jobs.JobDefinition;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What the API and metrics ask of the {@link SchedulerState}: jobs with their last and next runs, pages of the run
 * history, one run in full. Reads only.
 *
 * <p>Not thread-safe; {@link Scheduler} serialises access.
 */
final class RunQueries {

    private final SchedulerState state;

    RunQueries(SchedulerState state) {
        this.state = state;
    }

    List<JobView> jobs(Instant now) {
        List<JobView> views = new ArrayList<>();
        for (JobDefinition job : state.catalog.all()) {
            Instant last = state.lastFire.get(job.name());
            Instant next = null;
            if (job.enabled() && job.schedule() != null) {
                Instant from = last != null && last.isAfter(now) ? last : now;
                next = job.schedule().next(from);
            }
            String lastRunId = state.lastRunOfJob.get(job.name());
            RunSummary lastRun = lastRunId == null || !state.runs.containsKey(lastRunId) ? null
                    : summary(state.runs.get(lastRunId));
            views.add(new JobView(job, next, last, lastRun, state.lastSuccess.get(job.name())));
        }
        return views;
    }

    Optional<Instant> lastSuccess(String job) {
        return Optional.ofNullable(state.lastSuccess.get(job));
    }

    boolean running(String job) {
        return !state.activeRuns.getOrDefault(job, Set.of()).isEmpty();
    }

    /**
     * A page of the run history held in memory: newest first by {@code requestedAt} then run id, so a page that
     * starts after the previous page's last run neither repeats nor skips a run while new runs arrive. The page says
     * how far back the history reaches and whether older runs were dropped to bound memory.
     */
    RunPage runs(RunQuery query) {
        SchedulerState.JobHistory ofJob = query.job() == null ? null : state.histories.get(query.job());
        Iterable<Run> source = query.job() == null ? state.runs.values() : ofJob == null ? List.of() : ofJob.runs.values();
        List<RunSummary> matching = new ArrayList<>();
        Instant historyFrom = null;
        for (Run run : source) {
            RunSummary summary = summary(run);
            Instant at = summary.requestedAt();
            if (historyFrom == null || at.isBefore(historyFrom)) {
                historyFrom = at;
            }
            if ((query.status() == null || query.status() == summary.status())
                    && (query.from() == null || !at.isBefore(query.from()))
                    && (query.to() == null || at.isBefore(query.to()))
                    && (query.after() == null || query.after().compareTo(at, summary.runId()) < 0)) {
                matching.add(summary);
            }
        }
        matching.sort(Comparator.comparing(RunSummary::requestedAt).thenComparing(RunSummary::runId).reversed());
        List<RunSummary> page = matching.size() > query.size() ? matching.subList(0, query.size()) : matching;
        RunQuery.Position next = matching.size() > query.size() ? RunQuery.Position.of(page.get(page.size() - 1)) : null;
        long dropped = query.job() == null ? state.droppedRuns : ofJob == null ? 0 : ofJob.dropped;
        return new RunPage(List.copyOf(page), next, historyFrom, dropped > 0, dropped);
    }

    Optional<RunDetail> run(String runId) {
        Run run = state.runs.get(runId);
        if (run == null) {
            return Optional.empty();
        }
        List<RunDetail.AttemptView> attempts = new ArrayList<>();
        for (Attempt a : run.attempts.values()) {
            attempts.add(view(a));
        }
        return Optional.of(new RunDetail(summary(run), Map.copyOf(run.parameters()), run.retryDueAt, attempts));
    }

    private static RunDetail.AttemptView view(Attempt a) {
        Requested r = a.request;
        Completed c = a.completion;
        return new RunDetail.AttemptView(
                a.number,
                r == null ? null : r.trigger().name(),
                r == null ? null : r.requestedBy(),
                r == null ? null : r.causationRunId(),
                r == null ? null : r.requestedAt(),
                a.deadline(),
                a.started != null ? a.started.startedAt() : c == null ? null : c.startedAt(),
                c != null ? c.worker() : a.started == null ? null : a.started.worker(),
                c == null ? null : c.finishedAt(),
                a.status(),
                c != null && c.retryable(),
                c == null || c.error() == null ? null : c.error().type(),
                c == null || c.error() == null ? null : c.error().message(),
                c == null ? null : c.message(),
                c == null ? List.of() : c.artifacts().stream().map(x -> new RunDetail.ArtifactView(
                        x.bucket(), x.key(), x.sizeBytes(), x.sha256(), x.sourceBytes(), x.compression()))
                        .toList(),
                c == null ? Map.of() : Map.copyOf(c.stats()));
    }

    private static RunSummary summary(Run run) {
        Attempt first = run.attempts.isEmpty() ? null : run.attempts.firstEntry().getValue();
        Attempt latest = run.latest();
        Requested request = run.firstRequest();
        return new RunSummary(
                run.runId,
                run.jobName,
                run.jobType,
                run.status(),
                request == null ? null : request.trigger().name(),
                run.attempts.size(),
                run.scheduledFor,
                first != null && first.request != null ? first.request.requestedAt() : run.firstSeen,
                latest != null && latest.completion != null ? latest.completion.finishedAt() : null,
                run.gaveUp);
    }
}
