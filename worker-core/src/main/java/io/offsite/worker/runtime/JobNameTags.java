package io.offsite.worker.runtime;

import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiConsumer;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * The value of the {@code job} tag of a worker's metrics. Every distinct tag value is a time series kept in memory
 * for the life of the process (and one more series in every Prometheus scrape), and job names come from requests
 * anyone on the bus can write, so the values are bounded: a worker with {@code offsite.worker.accepted-jobs} tags
 * those names only (it rejects every other name anyway); a worker that accepts any name tags the first
 * {@code limit} distinct names it sees (plenty for a real catalog) and every later one {@code other}.
 *
 * <p>The accepted names — or, for a worker that accepts any name, the names it is told to expect
 * ({@code offsite.worker.expected-jobs}, which count towards {@code limit}) — are {@linkplain #known() known from the start}: a worker registers its per-job meters for them at
 * 0 when it starts, so a counter's first increase is an increase Prometheus sees ({@code increase()} of a series that
 * appears at 1 is 0) and a fresh system already shows every series its dashboards and alerts query.
 */
public final class JobNameTags {

    public static final String OTHER = "other";

    private final Set<String> accepted;
    private final int limit;
    private final Set<String> seen = ConcurrentHashMap.newKeySet();

    private final Set<String> expected;

    public JobNameTags(List<String> accepted, int limit) {
        this(accepted, List.of(), limit);
    }

    /**
     * @param accepted the only names this worker runs; empty: any name
     * @param expected names expected from the start when any name is accepted (ignored otherwise); they count towards
     *        {@code limit}, and when there are more of them than the limit allows, the first {@code limit} (sorted) are
     * @param limit most distinct names tagged when any name is accepted
     */
    public JobNameTags(List<String> accepted, List<String> expected, int limit) {
        this.accepted = Set.copyOf(accepted);
        this.limit = limit;
        this.expected = accepted.isEmpty()
                ? new TreeSet<>(expected).stream().limit(limit).collect(Collectors.toUnmodifiableSet())
                : Set.of();
        seen.addAll(this.expected);
    }

    /** The job names known before any request, sorted: the accepted jobs, else the expected ones; often none. */
    public List<String> known() {
        return List.copyOf(new TreeSet<>(accepted.isEmpty() ? expected : accepted));
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
