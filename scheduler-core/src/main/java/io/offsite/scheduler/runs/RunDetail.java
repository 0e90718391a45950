package io.offsite.scheduler.runs;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/** A run's full history as read from the topics. */
public record RunDetail(
        RunSummary summary,
        Map<String, String> parameters,
        Instant retryDueAt,
        List<AttemptView> attempts) {

    /** One attempt: request, start and outcome. Null fields were not (yet) observed. */
    public record AttemptView(
            int attempt,
            String trigger,
            String requestedBy,
            String causationRunId,
            Instant requestedAt,
            Instant deadline,
            Instant startedAt,
            String worker,
            Instant finishedAt,
            RunStatus status,
            boolean retryable,
            String errorType,
            String errorMessage,
            String message,
            List<ArtifactView> artifacts,
            Map<String, Long> stats) {
    }

    public record ArtifactView(String bucket, String key, long sizeBytes, String sha256, long sourceBytes, String compression) {
    }
}
