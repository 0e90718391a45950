package io.offsite.replication.postgres;

/** How a run finds the rows of a unit that need to travel ({@link TargetComparison}). */
public enum Compare {
    /** All travel: a first load, an incremental run (its rows changed), or a target found far behind. */
    NONE,
    /** Each unit's rows are looked up in the target by key, in one query per unit. */
    LOOK_UP,
    /** The target table is read whole (one {@code COPY ... TO}) when the first unit comes; units compare in memory. */
    IN_MEMORY
}
