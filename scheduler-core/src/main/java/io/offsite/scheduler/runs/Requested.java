package io.offsite.scheduler.runs;

import java.time.Instant;
import java.util.Map;

/**
 * A request for one attempt of a run, as read from a request topic or decided here: the fields of a
 * {@code JobRequested} event. Read from the shared bus, every field is untrusted; the scheduler service checks the
 * identifiers' and parameters' sizes before it hands one in.
 *
 * @param deadline       when the requester wants a completion by; null for none
 * @param causationRunId the run that caused this one (the upstream run, or the run a retry repeats); null for none
 * @param requestedBy    who asked; null when not said
 */
public record Requested(String runId, String jobName, String jobType, int attempt, int maxAttempts, Trigger trigger,
        Instant scheduledFor, Instant requestedAt, Instant deadline, String causationRunId, String requestedBy,
        Map<String, String> parameters) {
}
