package io.offsite.scheduler.runs;

import io.offsite.scheduler.jobs.JobCatalog;
import io.offsite.scheduler.jobs.JobDefinition;
import java.util.Optional;

/**
 * What the catalog lets an event change: its job must be configured here or declared external, of the catalog's
 * type, and its attempt within the job's attempts. (The sizes and characters of its identifiers are checked by the
 * scheduler service before the event gets here.)
 */
final class EventChecks {

    private EventChecks() {
    }

    /** Why a start or completion is ignored: its job or its attempt; empty when it may be folded. */
    static Optional<Ignored> event(JobCatalog catalog, String jobName, String jobType, int attempt,
            Optional<JobDefinition> definition) {
        Optional<Ignored> ignored = job(catalog, jobName, jobType, definition);
        return ignored.isPresent() ? ignored : attempt(jobName, attempt, definition);
    }

    /** {@code definition} is the catalog's definition of {@code jobName}, looked up once per event. */
    static Optional<Ignored> job(JobCatalog catalog, String jobName, String jobType, Optional<JobDefinition> definition) {
        if (definition.isEmpty()) {
            return catalog.externalJobs().contains(jobName) ? Optional.empty() : Optional.of(new Ignored(Ignored.UNKNOWN_JOB,
                    "job '" + jobName + "' is neither configured here nor listed under external-jobs"));
        }
        String expected = definition.get().type().name();
        if (jobType != null && !expected.equalsIgnoreCase(jobType)) {
            return Optional.of(new Ignored(Ignored.JOB_TYPE_MISMATCH, "job '" + jobName + "' is a " + expected
                    + " job, the event says " + Ignored.shorten(jobType)));
        }
        return Optional.empty();
    }

    static Optional<Ignored> attempt(String jobName, int attempt, Optional<JobDefinition> definition) {
        int most = definition.map(JobDefinition::maxAttempts).orElse(SchedulerState.EXTERNAL_ATTEMPTS_LIMIT);
        if (attempt < 1 || attempt > most) {
            return Optional.of(new Ignored(Ignored.INVALID_ATTEMPT, "attempt " + attempt + " of job '" + jobName
                    + "', which has at most " + most));
        }
        return Optional.empty();
    }
}
