package io.offsite.scheduler.runs;

import java.time.Instant;
import java.util.Objects;

/**
 * The conclusive end of a verification run: it either passed ({@code SUCCEEDED}) or found a problem
 * ({@code FAILED}, {@code PARTIALLY_FAILED}). Timeouts, skips and rejections verify nothing and are
 * not outcomes.
 *
 * @param series     the backup series the verification checked
 * @param status     the completion status, e.g. {@code FAILED}
 * @param message    the worker's summary line or error message; may be null
 */
public record VerificationOutcome(String series, String job, String runId, String status, Instant finishedAt,
        String message) {

    public VerificationOutcome {
        Objects.requireNonNull(series, "series");
        Objects.requireNonNull(job, "job");
        Objects.requireNonNull(runId, "runId");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(finishedAt, "finishedAt");
    }

    public boolean passed() {
        return "SUCCEEDED".equals(status);
    }
}
