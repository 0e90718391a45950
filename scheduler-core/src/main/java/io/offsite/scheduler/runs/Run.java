package io.offsite.scheduler.runs;

import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

/** Everything known about one runId: its attempts and, when one is due, its pending retry. */
final class Run {

    final String runId;
    final String jobName;
    String jobType;
    Instant scheduledFor;
    final Instant firstSeen;
    final TreeMap<Integer, Attempt> attempts = new TreeMap<>();
    Instant retryDueAt;
    boolean gaveUp;

    Run(String runId, String jobName, Instant firstSeen) {
        this.runId = runId;
        this.jobName = jobName;
        this.firstSeen = firstSeen;
    }

    Attempt attempt(int number) {
        return attempts.computeIfAbsent(number, Attempt::new);
    }

    Attempt latest() {
        return attempts.isEmpty() ? null : attempts.lastEntry().getValue();
    }

    /** The first request seen for this run: the template for retries. */
    Requested firstRequest() {
        for (Attempt attempt : attempts.values()) {
            if (attempt.request != null) {
                return attempt.request;
            }
        }
        return null;
    }

    Map<String, String> parameters() {
        Requested request = firstRequest();
        return request == null ? Map.of() : request.parameters();
    }

    RunStatus status() {
        if (retryDueAt != null) {
            return RunStatus.RETRY_PENDING;
        }
        Attempt latest = latest();
        return latest == null ? RunStatus.REQUESTED : latest.status();
    }
}
