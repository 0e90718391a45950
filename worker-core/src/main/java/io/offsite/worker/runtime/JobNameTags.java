package io.offsite.worker.runtime;

import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiConsumer;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The value of the {@code job} tag of a worker's metrics. Every distinct tag value is a time series kept in memory
 * for the life of the process (and one more series in every Prometheus scrape), and job names come from requests
 * anyone on the bus can write, so the values are bounded: a worker with {@code offsite.worker.accepted-jobs} tags
 * those names only (it rejects every other name anyway); a worker that accepts any name tags the first
 * {@code limit} distinct names it sees (plenty for a real catalog) and every later one {@code other}.
 *
 * <p>The accepted names are {@linkplain #known() known from the start}: a worker registers its per-job meters for them at
 * 0 when it starts, so a counter's first increase is an increase Prometheus sees ({@code increase()} of a series that
 * appears at 1 is 0) and a fresh system already shows every series its dashboards and alerts query.
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

    /** The job names known before any request: the accepted jobs, sorted; empty when the worker accepts any name. */
    public List<String> known() {
        return List.copyOf(new TreeSet<>(accepted));
    }

    /**
     * Registers a worker's meters at 0 for every {@linkplain #known() known} job and every one of {@code values} (a
     * source, a series, a status...): {@code register} builds and registers the meters of one combination without
     * recording anything, the same builders the worker records with later.
     */
    public <T> void registerAtZero(Collection<T> values, BiConsumer<String, T> register) {
        for (String job : known()) {
            values.forEach(value -> register.accept(job, value));
        }
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
