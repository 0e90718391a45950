package io.offsite.worker.job;

import io.offsite.events.DeletedKeys;
import io.offsite.events.v1.Artifact;
import io.offsite.events.v1.JobStatus;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a finished run produced: its status, one summary line, stored artifacts, counters and the object keys it
 * deleted (within {@link DeletedKeys}' bounds).
 */
public record JobOutcome(JobStatus status, String message, List<Artifact> artifacts, Map<String, Long> stats,
                         List<String> deletedKeys) {

    public JobOutcome {
        if (status != JobStatus.SUCCEEDED && status != JobStatus.PARTIALLY_FAILED) {
            throw new IllegalArgumentException("a handler returns SUCCEEDED or PARTIALLY_FAILED; other outcomes are exceptions, not " + status);
        }
        artifacts = List.copyOf(artifacts);
        stats = Map.copyOf(stats);
        deletedKeys = List.copyOf(deletedKeys);
    }

    public JobOutcome(JobStatus status, String message, List<Artifact> artifacts, Map<String, Long> stats) {
        this(status, message, artifacts, stats, List.of());
    }

    /**
     * The keys the run deleted from the bucket, so readers that keep a view of it need not list it again: all of
     * them when within {@link DeletedKeys}' bounds, otherwise none and the stat {@link DeletedKeys#TRUNCATED_STAT}.
     */
    public JobOutcome withDeletedKeys(Collection<String> keys) {
        Map<String, Long> more = new LinkedHashMap<>(stats);
        List<String> reported = DeletedKeys.report(keys, more);
        return new JobOutcome(status, message, artifacts, more, reported);
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
        return new JobOutcome(status, message, list, stats, deletedKeys);
    }

    public JobOutcome withStats(Map<String, Long> more) {
        var map = new LinkedHashMap<>(stats);
        map.putAll(more);
        return new JobOutcome(status, message, artifacts, map, deletedKeys);
    }

    public JobOutcome withStat(String name, long value) {
        return withStats(Map.of(name, value));
    }
}
