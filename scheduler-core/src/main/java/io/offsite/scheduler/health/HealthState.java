package io.offsite.scheduler.health;

/** The outcome of one backup check; maps onto the actuator's UP, DOWN and UNKNOWN. */
public enum HealthState {
    UP,
    DOWN,
    /** Nothing to judge yet: no run could have finished since start-up. */
    UNKNOWN
}
