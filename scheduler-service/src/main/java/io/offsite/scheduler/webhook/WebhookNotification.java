package io.offsite.scheduler.webhook;

import io.offsite.events.v1.Artifact;
import io.offsite.events.v1.JobCompleted;
import io.offsite.events.v1.JobStatus;
import java.util.List;

/**
 * The JSON body POSTed for one finished run: {@code status}, {@code message} and {@code timestamp} as the
 * original backup scripts sent them, plus the job, run, exact outcome and stored artifacts.
 *
 * @param status    {@code success} or {@code failure}
 * @param outcome   the completion status, e.g. {@code TIMED_OUT}
 * @param timestamp when the run finished, ISO-8601 UTC
 */
record WebhookNotification(String status, String job, String runId, String outcome, int attempt, String message,
        String timestamp, List<ArtifactView> artifacts) {

    record ArtifactView(String bucket, String key, long sizeBytes, String sha256, String compression) {
    }

    static WebhookNotification of(JobCompleted completion) {
        boolean success = completion.getStatus() == JobStatus.SUCCEEDED;
        List<ArtifactView> artifacts = completion.getArtifacts().stream()
                .map((Artifact a) -> new ArtifactView(a.getBucket(), a.getKey(), a.getSizeBytes(), a.getSha256(),
                        a.getCompression()))
                .toList();
        return new WebhookNotification(success ? "success" : "failure", completion.getJobName(), completion.getRunId(),
                completion.getStatus().name(), completion.getAttempt(), messageOf(completion, artifacts),
                completion.getFinishedAt().toString(), artifacts);
    }

    private static String messageOf(JobCompleted completion, List<ArtifactView> artifacts) {
        if (completion.getMessage() != null && !completion.getMessage().isBlank()) {
            return completion.getMessage();
        }
        String head = completion.getJobName() + " " + completion.getStatus();
        if (completion.getError() != null) {
            return head + ": " + completion.getError().getType() + ": " + completion.getError().getMessage();
        }
        if (!artifacts.isEmpty()) {
            long bytes = artifacts.stream().mapToLong(ArtifactView::sizeBytes).sum();
            return head + ": " + artifacts.size() + " artifact(s), " + bytes + " bytes, first " + artifacts.get(0).key();
        }
        return head;
    }
}
