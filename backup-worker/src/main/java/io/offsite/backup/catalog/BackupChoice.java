package io.offsite.backup.catalog;

import io.offsite.backup.readback.RestoreException;
import io.offsite.worker.artifact.StoredBackup;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.random.RandomGenerator;

/** Which backups of a listing to restore or verify. Pure functions of the listing; every refusal says what to do. */
public final class BackupChoice {

    private static final Comparator<StoredBackup> OLDEST_FIRST = Comparator.comparing(StoredBackup::time)
            .thenComparing(StoredBackup::key);

    /**
     * How far after now a backup may be dated and still be picked by latest, as-of or a verification sample: producers'
     * clocks drift a little, and the workers accept requests scheduled up to this far ahead. A backup dated later is
     * future-dated (a wrong clock or a forged request) and is only ever used when it is named by its key.
     */
    public static final Duration FUTURE_SKEW = Duration.ofMinutes(5);

    private BackupChoice() {
    }

    /** A listing split into the backups that may be picked and the future-dated ones, each oldest first. */
    public record Dated(List<StoredBackup> current, List<StoredBackup> futureDated) {
        public Dated {
            current = List.copyOf(current);
            futureDated = List.copyOf(futureDated);
        }

        /** {@code 2 future-dated backup(s) ignored (dated after ...): a, b}, for a report line or a log line. */
        public String describeIgnored(Instant now) {
            return futureDated.size() + " future-dated backup(s) ignored (dated after " + now.plus(FUTURE_SKEW) + "; name one by key to use it): "
                    + String.join(", ", futureDated.stream().map(StoredBackup::key).toList());
        }
    }

    /** Splits a listing at {@code now} + {@link #FUTURE_SKEW}. */
    public static Dated split(List<StoredBackup> backups, Instant now) {
        List<StoredBackup> current = new ArrayList<>();
        List<StoredBackup> future = new ArrayList<>();
        backups.stream().sorted(OLDEST_FIRST).forEach(b -> (isFutureDated(b, now) ? future : current).add(b));
        return new Dated(current, future);
    }

    /** Whether a backup is dated after {@code now} + {@link #FUTURE_SKEW}. */
    public static boolean isFutureDated(StoredBackup backup, Instant now) {
        return backup.time().isAfter(now.plus(FUTURE_SKEW));
    }

    /** The newest backup of a listing that holds one series. */
    public static StoredBackup latest(List<StoredBackup> backups, String series) {
        requireOneSeries(backups, series);
        return backups.stream().max(OLDEST_FIRST).orElseThrow();
    }

    /** The newest backup taken at or before {@code instant} (by the timestamp in its name). */
    public static StoredBackup asOf(List<StoredBackup> backups, String series, Instant instant) {
        requireOneSeries(backups, series);
        return backups.stream().filter(b -> !b.time().isAfter(instant)).max(OLDEST_FIRST)
                .orElseThrow(() -> new RestoreException("no backup in '" + series + "' was taken at or before " + instant
                        + "; the oldest is " + backups.stream().min(OLDEST_FIRST).orElseThrow().time()
                        + ": pick a later --as-of, or list them with 'offsite backups --series " + series + "'"));
    }

    /** The backup with exactly this key. */
    public static StoredBackup byKey(List<StoredBackup> backups, String key) {
        return backups.stream().filter(b -> b.key().equals(key)).findFirst()
                .orElseThrow(() -> new RestoreException("no backup with key '" + key + "'; list them with 'offsite backups'"));
    }

    /** The backups grouped by series folder, oldest first in each. */
    public static Map<String, List<StoredBackup>> bySeries(List<StoredBackup> backups) {
        Map<String, List<StoredBackup>> groups = new LinkedHashMap<>();
        backups.stream().sorted(Comparator.comparing(StoredBackup::series).thenComparing(OLDEST_FIRST))
                .forEach(b -> groups.computeIfAbsent(b.series(), s -> new ArrayList<>()).add(b));
        return groups;
    }

    /**
     * A verification sample: in each series folder the newest backup, plus ({@link Sample#NEWEST_AND_RANDOM}) one
     * older backup picked at random, or every backup ({@link Sample#ALL}).
     */
    public static List<StoredBackup> sample(List<StoredBackup> backups, Sample sample, RandomGenerator random) {
        List<StoredBackup> chosen = new ArrayList<>();
        for (List<StoredBackup> series : bySeries(backups).values()) {
            switch (sample) {
                case ALL -> {
                    List<StoredBackup> newestFirst = new ArrayList<>(series);
                    java.util.Collections.reverse(newestFirst);
                    chosen.addAll(newestFirst);
                }
                case NEWEST -> chosen.add(series.get(series.size() - 1));
                case NEWEST_AND_RANDOM -> {
                    chosen.add(series.get(series.size() - 1));
                    if (series.size() > 1) {
                        chosen.add(series.get(random.nextInt(series.size() - 1)));
                    }
                }
            }
        }
        return List.copyOf(chosen);
    }

    /** How many backups a verification looks at. */
    public enum Sample {
        NEWEST("newest"), NEWEST_AND_RANDOM("newest+random"), ALL("all");

        private final String id;

        Sample(String id) {
            this.id = id;
        }

        public String id() {
            return id;
        }

        public static Sample parse(String value) {
            for (Sample s : values()) {
                // a '+' in a URL query or form arrives as a space
                if (s.id.equalsIgnoreCase(value.strip().replace(' ', '+'))) {
                    return s;
                }
            }
            throw new IllegalArgumentException("sample must be newest, newest+random or all, got '" + value + "'");
        }
    }

    private static void requireOneSeries(List<StoredBackup> backups, String series) {
        if (backups.isEmpty()) {
            throw new RestoreException("no backups in '" + series + "': check the series name with 'offsite backups'");
        }
        TreeSet<String> folders = new TreeSet<>(backups.stream().map(StoredBackup::series).toList());
        if (folders.size() > 1) {
            throw new RestoreException("'" + series + "' holds several series " + folders + ": name one with --series");
        }
    }
}
