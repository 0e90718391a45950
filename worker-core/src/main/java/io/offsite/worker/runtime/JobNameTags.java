package io.offsite.worker.runtime;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The value of the {@code job} tag of a worker's metrics. Every distinct tag value is a time series kept in memory
 * for the life of the process (and one more series in every Prometheus scrape), and job names come from requests
 * anyone on the bus can write, so the values are bounded: a worker with {@code offsite.worker.accepted-jobs} tags
 * those names only (it rejects every other name anyway); a worker that accepts any name tags the first
 * {@code limit} distinct names it sees (plenty for a real catalog) and every later one {@code other}.
 */
public final class JobNameTags {

    public static final String OTHER = "other";

    private final Set<String> accepted;
    private final int limit;
    private final Set<String> seen = ConcurrentHashMap.newKeySet();

    public JobNameTags(List<String> accepted, int limit) {
        this.accepted = Set.copyOf(accepted);
        this.limit = limit;
    }

    public String of(String jobName) {
        if (jobName == null) {
            return OTHER;
        }
        if (!accepted.isEmpty()) {
            return accepted.contains(jobName) ? jobName : OTHER;
        }
        if (seen.contains(jobName)) {
            return jobName;
        }
        synchronized (seen) {
            if (seen.size() < limit) {
                seen.add(jobName);
                return jobName;
            }
        }
        return OTHER;
    }
}
