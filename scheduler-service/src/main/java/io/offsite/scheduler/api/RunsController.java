package io.offsite.scheduler.api;

import io.offsite.scheduler.runs.RunDetail;
import io.offsite.scheduler.runs.RunPage;
import io.offsite.scheduler.runs.RunQuery;
import io.offsite.scheduler.runs.RunStatus;
import io.offsite.scheduler.runs.RunSummary;
import io.offsite.scheduler.runs.Scheduler;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The run history held in memory, newest first, a page at a time. A page's {@code next} cursor continues after its
 * last run, so paging neither repeats nor skips runs while new ones arrive; {@code historyFrom} and {@code truncated}
 * say how far back the history reaches and whether older runs were dropped ({@code offsite.scheduler.history.*}).
 */
@RestController
@RequestMapping("/api/v1/runs")
class RunsController {

    static final int MAX_SIZE = 1000;
    static final int DEFAULT_SIZE = 50;

    private final Scheduler scheduler;

    RunsController(Scheduler scheduler) {
        this.scheduler = scheduler;
    }

    /**
     * {@code size} (or its former name {@code limit}) runs of {@code job} in {@code status}, requested in
     * [{@code from}, {@code to}), after {@code cursor}.
     */
    @GetMapping
    RunsResponse runs(@RequestParam(required = false) String job, @RequestParam(required = false) String status,
            @RequestParam(required = false) String from, @RequestParam(required = false) String to,
            @RequestParam(required = false) String size, @RequestParam(required = false) String limit,
            @RequestParam(required = false) String cursor) {
        Instant since = instant("from", from);
        Instant until = instant("to", to);
        if (since != null && until != null && !since.isBefore(until)) {
            throw new InvalidParameterException("from", "from (" + since + ") must be before to (" + until + ")");
        }
        int pageSize = size(size != null ? "size" : "limit", size != null ? size : limit);
        RunQuery.Position after = null;
        if (cursor != null && !cursor.isBlank()) {
            try {
                after = RunQuery.Position.decode(cursor.trim());
            } catch (IllegalArgumentException e) {
                throw new InvalidParameterException("cursor", "cursor '" + cursor + "' is " + e.getMessage());
            }
        }
        RunPage page = scheduler.runs(new RunQuery(blankToNull(job), status(status), since, until, pageSize, after));
        return new RunsResponse(page.runs(), page.next() == null ? null : page.next().encode(), page.historyFrom(),
                page.truncated(), page.droppedRuns());
    }

    @GetMapping("/{runId}")
    RunDetail run(@PathVariable String runId) {
        return scheduler.run(runId).orElseThrow(() -> new NotFoundException("no run '" + runId + "' is known"));
    }

    /** A bad query parameter: 400 with the parameter's name in the problem. */
    @ExceptionHandler(InvalidParameterException.class)
    ProblemDetail invalidParameter(InvalidParameterException e) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, e.getMessage());
        problem.setTitle("Bad request");
        problem.setProperty("parameter", e.parameter);
        return problem;
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }

    private static int size(String name, String value) {
        if (value == null || value.isBlank()) {
            return DEFAULT_SIZE;
        }
        try {
            int parsed = Integer.parseInt(value.trim());
            if (parsed >= 1 && parsed <= MAX_SIZE) {
                return parsed;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new InvalidParameterException(name, name + " must be a whole number between 1 and " + MAX_SIZE + ", was '"
                + value + "'");
    }

    private static RunStatus status(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return RunStatus.valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new InvalidParameterException("status", "unknown status '" + value + "', expected one of "
                    + List.of(RunStatus.values()));
        }
    }

    /** An ISO-8601 instant with an offset, e.g. {@code 2026-01-31T12:00:00Z} or {@code 2026-01-31T13:00:00+01:00}. */
    private static Instant instant(String name, String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return OffsetDateTime.parse(value.trim()).toInstant();
        } catch (DateTimeParseException e) {
            throw new InvalidParameterException(name, name + " must be an ISO-8601 instant with an offset such as"
                    + " 2026-01-31T12:00:00Z, was '" + value + "'");
        }
    }

    /**
     * One page of runs.
     *
     * @param runs        newest first
     * @param next        the cursor of the next page; null on the last one
     * @param historyFrom when the oldest run still held (of the job asked for, or of all) was requested
     * @param truncated   whether older runs were dropped to keep memory bounded
     * @param droppedRuns how many
     */
    record RunsResponse(List<RunSummary> runs, String next, Instant historyFrom, boolean truncated, long droppedRuns) {
    }

    static final class InvalidParameterException extends RuntimeException {

        private final String parameter;

        InvalidParameterException(String parameter, String message) {
            super(message);
            this.parameter = parameter;
        }
    }
}
