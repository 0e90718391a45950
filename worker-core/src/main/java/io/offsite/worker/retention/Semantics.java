package io.offsite.worker.retention;

import java.util.Locale;

/** How the period rules (hourly … yearly) pick the backups that represent a period. */
public enum Semantics {

    /**
     * The original's rules: the <em>first</em> backup of each hour, day, week (starting on Sunday), month or year
     * represents it, and the N most recent periods that have backups are kept.
     */
    CALENDAR,

    /**
     * {@code restic forget --keep-*}: the <em>last</em> backup of each period represents it, weeks are ISO weeks
     * (Monday to Sunday), and while a rule has count left when it reaches the oldest backup, that one is kept too.
     */
    RESTIC;

    /** Parses {@code calendar} or {@code restic}, ignoring case. */
    public static Semantics parse(String value) {
        for (Semantics semantics : values()) {
            if (semantics.name().equalsIgnoreCase(value.trim())) {
                return semantics;
            }
        }
        throw new IllegalArgumentException("unknown semantics '" + value + "', expected calendar or restic");
    }

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }
}
