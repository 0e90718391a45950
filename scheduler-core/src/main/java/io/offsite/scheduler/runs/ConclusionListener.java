package io.offsite.scheduler.runs;

import java.util.Map;

/**
 * Told of every run the scheduler concludes: a trusted completion (some request asked for the run, or its job is
 * declared external), with the run's parameters (its request's, else its job's). Called while the scheduler's state
 * is locked; must not call back into it.
 */
@FunctionalInterface
public interface ConclusionListener {

    ConclusionListener NONE = (jobName, jobType, parameters, completion) -> {
    };

    void concluded(String jobName, String jobType, Map<String, String> parameters, Completed completion);
}
