package io.offsite.worker.retention;

import java.util.List;
import java.util.Objects;

/**
 * What the policy decided for one backup: kept for every listed reason, or deleted when there is none.
 */
public record Decision(Backup backup, List<Reason> reasons) {

    public Decision {
        Objects.requireNonNull(backup, "backup");
        reasons = List.copyOf(reasons);
    }

    public boolean keep() {
        return !reasons.isEmpty();
    }

    public boolean keptBy(Rule rule) {
        return reasons.stream().anyMatch(r -> r.rule() == rule);
    }

    /** The reasons as labels separated by commas, e.g. {@code daily,weekly}; empty for a deleted backup. */
    public String reasonLabels() {
        return String.join(",", reasons.stream().map(Reason::label).toList());
    }
}
