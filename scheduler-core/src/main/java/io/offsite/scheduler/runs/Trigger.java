package io.offsite.scheduler.runs;

/** Why a run was requested; the names are those of the events' {@code trigger}. */
public enum Trigger {
    SCHEDULE, MANUAL, DEPENDENCY, RETRY, EXTERNAL
}
