package io.offsite.scheduler.dashboard;

import io.offsite.scheduler.inventory.TrackedSeries;
import io.offsite.worker.retention.RetentionPolicy;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The retention policy the dashboard previews for each series that has one configured; checked at start-up. */
record DashboardPolicies(Map<String, RetentionPolicy> bySeries) {

    /** Throws naming the setting when a policy is invalid or names a series no job names. */
    static DashboardPolicies of(Map<String, RetentionSettings> settings, List<TrackedSeries> tracked) {
        List<String> names = tracked.stream().map(TrackedSeries::name).toList();
        Map<String, RetentionPolicy> policies = new LinkedHashMap<>();
        settings.forEach((series, s) -> {
            String property = "offsite.scheduler.dashboard.retention." + series;
            if (!names.contains(series)) {
                throw new IllegalArgumentException(property + ": no BACKUP, VERIFY or ROTATION job names the series '" + series
                        + "'; the series are " + names);
            }
            try {
                policies.put(series, s.policy());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(property + ": " + e.getMessage(), e);
            }
        });
        return new DashboardPolicies(Map.copyOf(policies));
    }
}
