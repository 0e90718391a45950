package io.offsite.scheduler.api;

import io.offsite.scheduler.runs.RunDetail;
import io.offsite.scheduler.runs.RunStatus;
import io.offsite.scheduler.runs.RunSummary;
import io.offsite.scheduler.runs.Scheduler;
import java.util.List;
import java.util.Locale;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping("/api/v1/runs")
class RunsController {

    static final int MAX_LIMIT = 1000;

    private final Scheduler scheduler;

    RunsController(Scheduler scheduler) {
        this.scheduler = scheduler;
    }

    @GetMapping
    List<RunSummary> runs(@RequestParam(required = false) String job, @RequestParam(required = false) String status,
            @RequestParam(defaultValue = "50") int limit) {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new BadRequestException("limit must be between 1 and " + MAX_LIMIT + ", was " + limit);
        }
        RunStatus wanted = null;
        if (status != null && !status.isBlank()) {
            try {
                wanted = RunStatus.valueOf(status.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new BadRequestException("unknown status '" + status + "', expected one of " + List.of(RunStatus.values()));
            }
        }
        return scheduler.runs(job == null || job.isBlank() ? null : job, wanted, limit);
    }

    @GetMapping("/{runId}")
    RunDetail run(@PathVariable String runId) {
        return scheduler.run(runId).orElseThrow(() -> new NotFoundException("no run '" + runId + "' is known"));
    }
}
