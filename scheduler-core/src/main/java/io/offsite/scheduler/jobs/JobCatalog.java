package io.offsite.scheduler.jobs;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The validated set of jobs and their dependency graph. Construction fails on an unknown
 * dependency (neither one of our jobs nor a declared external job) and on a dependency cycle.
 */
public final class JobCatalog {

    private final Map<String, JobDefinition> jobs;
    private final Set<String> externalJobs;
    private final Map<String, List<JobDefinition>> dependents;

    public JobCatalog(Collection<JobDefinition> definitions, Collection<String> externalJobs) {
        Map<String, JobDefinition> byName = new LinkedHashMap<>();
        for (JobDefinition job : definitions) {
            if (byName.put(job.name(), job) != null) {
                throw new InvalidJobDefinitionException(job.name(), "name", "is defined twice");
            }
        }
        this.jobs = java.util.Collections.unmodifiableMap(byName);
        this.externalJobs = Set.copyOf(externalJobs);
        Map<String, List<JobDefinition>> graph = new HashMap<>();
        for (JobDefinition job : jobs.values()) {
            for (String upstream : job.dependsOn()) {
                if (upstream.equals(job.name())) {
                    throw new InvalidJobDefinitionException(job.name(), "depends-on", "a job cannot depend on itself");
                }
                if (!jobs.containsKey(upstream) && !this.externalJobs.contains(upstream)) {
                    throw new InvalidJobDefinitionException(job.name(), "depends-on",
                            "unknown job '" + upstream + "' (neither a job here nor listed under external-jobs)");
                }
                graph.computeIfAbsent(upstream, k -> new ArrayList<>()).add(job);
            }
        }
        graph.replaceAll((k, v) -> List.copyOf(v));
        this.dependents = Map.copyOf(graph);
        for (JobDefinition job : jobs.values()) {
            checkNoCycle(job.name(), job.name(), new ArrayList<>());
        }
    }

    private void checkNoCycle(String origin, String current, List<String> path) {
        path.add(current);
        JobDefinition job = jobs.get(current);
        if (job != null) {
            for (String upstream : job.dependsOn()) {
                if (upstream.equals(origin)) {
                    List<String> cycle = new ArrayList<>(path);
                    cycle.add(origin);
                    throw new InvalidJobDefinitionException(origin, "depends-on",
                            "dependency cycle " + String.join(" -> ", cycle) + " (each depends on the next)");
                }
                if (!path.contains(upstream)) {
                    checkNoCycle(origin, upstream, path);
                }
            }
        }
        path.remove(path.size() - 1);
    }

    public Optional<JobDefinition> find(String name) {
        return Optional.ofNullable(jobs.get(name));
    }

    public Collection<JobDefinition> all() {
        return jobs.values();
    }

    public Set<String> externalJobs() {
        return externalJobs;
    }

    /** Jobs that depend on {@code upstream}, in definition order. */
    public List<JobDefinition> dependentsOf(String upstream) {
        return dependents.getOrDefault(upstream, List.of());
    }
}
