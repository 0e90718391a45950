package io.offsite.scheduler.api;

import io.offsite.scheduler.config.SchedulerProperties;
import io.offsite.scheduler.jobs.InvalidJobDefinitionException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Which parameters an API caller may set when triggering each job ({@code caller-parameters}, none by default).
 * Everything else — source, series, keys — stays what the job's configuration says.
 */
final class CallerParameters {

    private final Map<String, List<String>> allowed;

    private CallerParameters(Map<String, List<String>> allowed) {
        this.allowed = Map.copyOf(allowed);
    }

    /** The allow-lists of the configured jobs; a blank or malformed name fails naming the job and field. */
    static CallerParameters of(SchedulerProperties properties) {
        Map<String, List<String>> allowed = new TreeMap<>();
        properties.jobs().forEach((job, config) -> {
            for (String name : config.callerParameters()) {
                if (name == null || !name.matches("[A-Za-z0-9._-]+")) {
                    throw new InvalidJobDefinitionException(job, "caller-parameters",
                            "'" + name + "' is not a parameter name (letters, digits, '.', '_' or '-')");
                }
            }
            allowed.put(job, config.callerParameters().stream().distinct().sorted().toList());
        });
        return new CallerParameters(allowed);
    }

    /** The parameters callers may set for {@code job}; empty for a job without any and for unknown jobs. */
    List<String> allowedFor(String job) {
        return allowed.getOrDefault(job, List.of());
    }

    /** Throws a 400 naming every parameter of {@code requested} the job does not let callers set. */
    void check(String job, Map<String, String> requested) {
        List<String> allowedHere = allowedFor(job);
        List<String> rejected = requested.keySet().stream().filter(name -> !allowedHere.contains(name)).sorted().toList();
        if (rejected.isEmpty()) {
            return;
        }
        String names = String.join("', '", rejected);
        String detail = (rejected.size() == 1 ? "parameter '" + names + "' is" : "parameters '" + names + "' are")
                + " not settable by callers of job '" + job + "'; "
                + (allowedHere.isEmpty()
                        ? "this job allows none (list them under offsite.scheduler.jobs." + job + ".caller-parameters)"
                        : "allowed: " + allowedHere);
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("rejected", rejected);
        properties.put("allowed", allowedHere);
        throw new BadRequestException(detail, properties);
    }
}
