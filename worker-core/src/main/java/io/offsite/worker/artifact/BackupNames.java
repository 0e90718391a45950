package io.offsite.worker.artifact;

import java.text.ParsePosition;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Writes the instant a backup was taken for into its name ({@link #stamp}) and reads it back: the writer's form is the
 * original's, ISO-8601 with milliseconds and the colons of the time as dashes ({@code 2025-01-15T00-00-00.000Z}). Reads
 * when a backup was taken from its name: an ISO-8601 instant ({@code 2025-01-15T00:00:00Z}, fractional
 * seconds and offsets allowed), or an object key holding the original's timestamp form, where the colons of the
 * time are dashes ({@code backup-database/pokemon-data-2025-01-15T00-00-00.000Z.sqlite3.db.gz}).
 */
public final class BackupNames {

    private static final Pattern STAMP = Pattern.compile(
            "(\\d{4})-(\\d{2})-(\\d{2})T(\\d{2})([-:])(\\d{2})\\5(\\d{2})(\\.\\d{1,9})?Z");

    private static final DateTimeFormatter WRITTEN = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH-mm-ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private BackupNames() {
    }

    /** The original's timestamp form of an instant, truncated to milliseconds: {@code 2025-01-15T00-00-00.000Z}. */
    public static String stamp(Instant instant) {
        return WRITTEN.format(instant.truncatedTo(ChronoUnit.MILLIS));
    }

    /** The instant in {@code name}, or empty when there is none or it is not a real date and time. */
    public static Optional<Instant> timestamp(String name) {
        if (name == null) {
            return Optional.empty();
        }
        String text = name.trim();
        if (text.isEmpty()) {
            return Optional.empty();
        }
        // an instant starts with its year (or its sign); a key never does, and a failed parse costs an exception
        char first = text.charAt(0);
        Optional<Instant> whole = Character.isDigit(first) || first == '+' || first == '-' ? isoInstant(text) : Optional.empty();
        if (whole.isPresent()) {
            return whole;
        }
        String fileName = text.substring(text.lastIndexOf('/') + 1);
        Matcher m = STAMP.matcher(fileName);
        Instant found = null;
        while (m.find()) {
            String iso = m.group(1) + "-" + m.group(2) + "-" + m.group(3) + "T" + m.group(4) + ":" + m.group(6) + ":" + m.group(7)
                    + (m.group(8) == null ? "" : m.group(8)) + "Z";
            Optional<Instant> parsed = isoInstant(iso);
            if (parsed.isEmpty()) {
                return Optional.empty();
            }
            found = parsed.get();
        }
        return Optional.ofNullable(found);
    }

    private static Optional<Instant> isoInstant(String text) {
        // a key such as 2025-01-15T00:00:00Z.sql.zst is no instant: found without the cost of an exception per key
        ParsePosition position = new ParsePosition(0);
        if (DateTimeFormatter.ISO_OFFSET_DATE_TIME.parseUnresolved(text, position) == null
                || position.getErrorIndex() >= 0 || position.getIndex() != text.length()) {
            return Optional.empty();
        }
        try {
            return Optional.of(OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant());
        } catch (DateTimeException e) {
            return Optional.empty();
        }
    }
}
