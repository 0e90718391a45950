package io.offsite.scheduler.api;

import io.offsite.scheduler.jobs.JobDefinition;
import io.offsite.scheduler.runs.JobView;
import io.offsite.scheduler.runs.RunSummary;
import io.offsite.scheduler.runs.Scheduler;
import io.offsite.scheduler.runs.TriggerResult;
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

    JobsController(Scheduler scheduler) {
        this.scheduler = scheduler;
    }

    @GetMapping
    List<JobResponse> jobs() {
        return scheduler.jobs().stream().map(JobResponse::of).toList();
    }

    @PostMapping("/{name}/runs")
    ResponseEntity<?> trigger(@PathVariable String name, @RequestBody(required = false) TriggerRequest body,
            @RequestHeader(name = "X-Requested-By", required = false) String requestedBy) {
        Map<String, String> parameters = body == null || body.parameters() == null ? Map.of() : body.parameters();
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

    record TriggerRequest(Map<String, String> parameters) {
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
            Instant nextFireAt,
            Instant lastFireAt,
            Instant lastSuccessAt,
            RunSummary lastRun) {

        static JobResponse of(JobView view) {
            JobDefinition d = view.definition();
            return new JobResponse(d.name(), d.type().name(),
                    d.schedule() == null ? null : d.schedule().expression(),
                    d.schedule() == null ? null : d.schedule().zone().getId(),
                    d.timeout(), d.retries(), d.retryDelay(), d.exclusive(), d.dependsOn(), d.enabled(), d.parameters(),
                    view.nextFireAt(), view.lastFireAt(), view.lastSuccessAt(), view.lastRun());
        }
    }
}
