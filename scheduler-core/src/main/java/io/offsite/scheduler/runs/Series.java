package io.offsite.scheduler.runs;

import java.util.Map;

/**
 * The backup series a run concerns, read from its parameters. A backup names the series it writes
 * with {@code source}; a verification, like a rotation, names the series it reads with {@code series}.
 * Either falls back to the other parameter, then to the job name. The inventory of the bucket keeps one
 * view per series so named, each in its folder ({@code offsite.scheduler.inventory.prefixes}).
 */
public final class Series {

    private Series() {
    }

    /** The series a backup run writes. */
    public static String ofBackup(String job, Map<String, String> parameters) {
        return first(parameters, "source", "series", job);
    }

    /** The series a verification run checks. */
    public static String ofVerification(String job, Map<String, String> parameters) {
        return first(parameters, "series", "source", job);
    }

    private static String first(Map<String, String> parameters, String preferred, String fallback, String job) {
        String value = parameters.get(preferred);
        if (value == null || value.isBlank()) {
            value = parameters.get(fallback);
        }
        return value == null || value.isBlank() ? job : value;
    }
}
