package io.offsite.worker.retention;

import java.util.Objects;

/**
 * Why a backup is kept.
 *
 * @param rule the rule that keeps it
 * @param oldest restic semantics only: the rule still had count left at the oldest backup, which represents an
 *        already counted period (restic prints {@code oldest daily snapshot})
 */
public record Reason(Rule rule, boolean oldest) {

    public Reason {
        Objects.requireNonNull(rule, "rule");
    }

    public static Reason of(Rule rule) {
        return new Reason(rule, false);
    }

    public static Reason oldest(Rule rule) {
        return new Reason(rule, true);
    }

    /** A short label without spaces: {@code daily}, {@code oldest-daily}, {@code minimum}. */
    public String label() {
        return oldest ? "oldest-" + rule.id() : rule.id();
    }

    @Override
    public String toString() {
        return label();
    }
}
