package io.offsite.scheduler.jobs;

import java.util.List;
import java.util.Locale;

/**
 * What kind of work a job requests. The names are those of the events' {@code jobType} and of the request topics'
 * job types ({@code Topics.JobType} in the schemas): the scheduler service maps one to the other at its edge.
 */
public enum JobType {
    BACKUP, ROTATION, REPLICATION, VERIFY;

    /** Parses a job type case-insensitively; throws with the accepted values when unknown. */
    public static JobType parse(String value) {
        for (JobType type : values()) {
            if (type.name().equalsIgnoreCase(value)) {
                return type;
            }
        }
        throw new IllegalArgumentException(
                "unknown job type '" + value + "', expected one of " + List.of(values()).toString().toLowerCase(Locale.ROOT));
    }
}
