package io.offsite.worker.retention;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Backups for tests, each identified by its ISO instant. */
final class Timelines {

    private Timelines() {
    }

    static Backup at(String isoInstant) {
        return new Backup(isoInstant, Instant.parse(isoInstant));
    }

    static List<Backup> of(String... isoInstants) {
        return Arrays.stream(isoInstants).map(Timelines::at).toList();
    }

    /** One backup a day at {@code time} local time in {@code zone}, both dates included. */
    static List<Backup> daily(String from, String to, String time, ZoneId zone) {
        List<Backup> backups = new ArrayList<>();
        for (LocalDate d = LocalDate.parse(from); !d.isAfter(LocalDate.parse(to)); d = d.plusDays(1)) {
            Instant t = ZonedDateTime.of(d, LocalTime.parse(time), zone).toInstant();
            backups.add(new Backup(t.toString(), t));
        }
        return backups;
    }

    static List<Backup> dailyUtc(String from, String to) {
        return daily(from, to, "00:00", ZoneId.of("UTC"));
    }

    /** Backups every {@code step} from {@code from} to {@code to}, both included. */
    static List<Backup> every(Duration step, String from, String to) {
        List<Backup> backups = new ArrayList<>();
        for (Instant t = Instant.parse(from); !t.isAfter(Instant.parse(to)); t = t.plus(step)) {
            backups.add(new Backup(t.toString(), t));
        }
        return backups;
    }

    static List<String> ids(List<Backup> backups) {
        return backups.stream().map(Backup::id).toList();
    }
}
