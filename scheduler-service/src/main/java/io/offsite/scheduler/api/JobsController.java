package io.offsite.scheduler.api;

import io.offsite.scheduler.jobs.JobCatalog;
import io.offsite.scheduler.jobs.JobDefinition;
import io.offsite.scheduler.runs.JobView;
import io.offsite.scheduler.runs.RunSummary;
import io.offsite.scheduler.runs.Scheduler;
import io.offsite.scheduler.runs.TriggerResult;
import io.offsite.scheduler.runs.UnknownJobException;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping("/api/v1/jobs")
class JobsController {

    private final Scheduler scheduler;
    private final JobCatalog catalog;
    private final CallerParameters callerParameters;

    JobsController(Scheduler scheduler, JobCatalog catalog, CallerParameters callerParameters) {
        this.scheduler = scheduler;
        this.catalog = catalog;
        this.callerParameters = callerParameters;
    }

    @GetMapping
    List<JobResponse> jobs() {
        return scheduler.jobs().stream().map(view -> JobResponse.of(view, callerParameters.allowedFor(view.definition().name())))
                .toList();
    }

    /**
     * Triggers {@code name}; the body, {@code {"parameters": {...}}}, may set only the job's {@code caller-parameters}
     * (read strictly by {@link TriggerBody}). The scheduler merges them over the job's configured parameters.
     */
    @PostMapping("/{name}/runs")
    ResponseEntity<?> trigger(@PathVariable String name, @RequestBody(required = false) String body,
            @RequestHeader(name = "X-Requested-By", required = false) String requestedBy) {
        Map<String, String> parameters = TriggerBody.parameters(body);
        if (!parameters.isEmpty()) {
            if (catalog.find(name).isEmpty()) {
                throw new UnknownJobException(name);
            }
            callerParameters.check(name, parameters);
        }
        TriggerResult result = scheduler.trigger(name, parameters, requestedBy == null ? "api" : "api:" + requestedBy);
        URI location = URI.create("/api/v1/runs/" + result.runId());
        if (!result.dispatched()) {
            ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.CONFLICT,
                    "job '" + name + "' is exclusive and " + result.reason());
            problem.setTitle("Job already running");
            problem.setProperty("runId", result.runId());
            return ResponseEntity.status(HttpStatus.CONFLICT).body(problem);
        }
        return ResponseEntity.accepted().location(location)
                .body(new TriggerResponse(result.runId(), name, "REQUESTED", location.toString()));
    }

    record TriggerResponse(String runId, String job, String status, String href) {
    }

    record JobResponse(
            String name,
            String type,
            String cron,
            String zone,
            Duration timeout,
            int retries,
            Duration retryDelay,
            boolean exclusive,
            List<String> dependsOn,
            boolean enabled,
            Map<String, String> parameters,
            List<String> callerParameters,
            Instant nextFireAt,
            Instant lastFireAt,
            Instant lastSuccessAt,
            RunSummary lastRun) {

        static JobResponse of(JobView view, List<String> callerParameters) {
            JobDefinition d = view.definition();
            return new JobResponse(d.name(), d.type().name(),
                    d.schedule() == null ? null : d.schedule().expression(),
                    d.schedule() == null ? null : d.schedule().zone().getId(),
                    d.timeout(), d.retries(), d.retryDelay(), d.exclusive(), d.dependsOn(), d.enabled(), d.parameters(),
                    callerParameters, view.nextFireAt(), view.lastFireAt(), view.lastSuccessAt(), view.lastRun());
        }
    }
}
