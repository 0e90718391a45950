package io.offsite.worker.retention;

import java.util.Locale;

/** The rules that can keep a backup. */
public enum Rule {
    /** One of the N most recent backups. */
    LAST,
    HOURLY,
    DAILY,
    WEEKLY,
    MONTHLY,
    YEARLY,
    /** Taken within the keep-within duration before the newest backup. */
    WITHIN,
    /** Kept because the other rules kept fewer than the minimum. */
    MINIMUM,
    /** The newest backup, which is never deleted. */
    NEWEST,
    /** The newest backup a verification proved restorable, which is never deleted. */
    NEWEST_VERIFIED,
    /**
     * Dated after the planning instant plus {@link RetentionPolicy#FUTURE_SKEW}: kept, but it takes no period, count
     * or minimum slot and is never the newest, so it cannot push a real backup out.
     */
    FUTURE_DATED;

    public String id() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
