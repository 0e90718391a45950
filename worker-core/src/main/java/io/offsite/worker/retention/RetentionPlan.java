package io.offsite.worker.retention;

import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The outcome of a {@link RetentionPolicy}: one decision per backup, newest first. Every backup is either kept
 * (with every reason that keeps it) or deleted, never both.
 */
public final class RetentionPlan {

    private final RetentionPolicy policy;
    private final List<Decision> decisions;
    private final Map<String, Decision> byId;

    RetentionPlan(RetentionPolicy policy, List<Decision> decisions) {
        this.policy = policy;
        this.decisions = List.copyOf(decisions);
        Map<String, Decision> index = new LinkedHashMap<>();
        for (Decision d : this.decisions) {
            index.put(d.backup().id(), d);
        }
        this.byId = index;
    }

    public RetentionPolicy policy() {
        return policy;
    }

    /** Every decision, newest backup first. */
    public List<Decision> decisions() {
        return decisions;
    }

    public Optional<Decision> decision(String backupId) {
        return Optional.ofNullable(byId.get(backupId));
    }

    /** The kept backups, newest first. */
    public List<Backup> kept() {
        return decisions.stream().filter(Decision::keep).map(Decision::backup).toList();
    }

    /** The backups to delete, newest first. */
    public List<Backup> deleted() {
        return decisions.stream().filter(d -> !d.keep()).map(Decision::backup).toList();
    }

    /** The newest backup that is not future-dated, which every plan keeps; empty when there is none. */
    public Optional<Backup> newest() {
        return decisions.stream().filter(d -> !d.keptBy(Rule.FUTURE_DATED)).findFirst().map(Decision::backup);
    }

    /** The backups dated after the planning instant (plus the allowed skew): kept, and in no rule's slot; newest first. */
    public List<Backup> futureDated() {
        return decisions.stream().filter(d -> d.keptBy(Rule.FUTURE_DATED)).map(Decision::backup).toList();
    }

    /** How many backups each rule keeps; a backup kept by several rules counts for each. */
    public Map<Rule, Integer> keptByRule() {
        Map<Rule, Integer> counts = new EnumMap<>(Rule.class);
        for (Decision d : decisions) {
            d.reasons().stream().map(Reason::rule).distinct().forEach(rule -> counts.merge(rule, 1, Integer::sum));
        }
        return counts;
    }

    /** The original's summary of what keeps the kept backups: {@code 7 daily + 4 weekly + 3 monthly}. */
    public String keptSummary() {
        return String.join(" + ", keptByRule().entrySet().stream().map(e -> e.getValue() + " " + e.getKey().id()).toList());
    }

    @Override
    public String toString() {
        return "RetentionPlan[keep " + kept().size() + ", delete " + deleted().size() + "]";
    }
}
