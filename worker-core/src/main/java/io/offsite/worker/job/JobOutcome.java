package io.offsite.worker.job;

import io.offsite.events.v1.Artifact;
import io.offsite.events.v1.JobStatus;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What a finished run produced: its status, one summary line, stored artifacts and counters. */
public record JobOutcome(JobStatus status, String message, List<Artifact> artifacts, Map<String, Long> stats) {

    public JobOutcome {
        if (status != JobStatus.SUCCEEDED && status != JobStatus.PARTIALLY_FAILED) {
            throw new IllegalArgumentException("a handler returns SUCCEEDED or PARTIALLY_FAILED; other outcomes are exceptions, not " + status);
        }
        artifacts = List.copyOf(artifacts);
        stats = Map.copyOf(stats);
    }

    public static JobOutcome succeeded(String message) {
        return new JobOutcome(JobStatus.SUCCEEDED, message, List.of(), Map.of());
    }

    public static JobOutcome partiallyFailed(String message) {
        return new JobOutcome(JobStatus.PARTIALLY_FAILED, message, List.of(), Map.of());
    }

    public JobOutcome withArtifact(Artifact artifact) {
        var list = new java.util.ArrayList<>(artifacts);
        list.add(artifact);
        return new JobOutcome(status, message, list, stats);
    }

    public JobOutcome withStats(Map<String, Long> more) {
        var map = new LinkedHashMap<>(stats);
        map.putAll(more);
        return new JobOutcome(status, message, artifacts, map);
    }

    public JobOutcome withStat(String name, long value) {
        return withStats(Map.of(name, value));
    }
}
