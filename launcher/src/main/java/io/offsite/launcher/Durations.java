package io.offsite.launcher;

import java.time.Duration;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Durations on the command line: {@code 90s}, {@code 10m}, {@code 2h}, or ISO-8601 ({@code PT10M}). */
final class Durations {

    private Durations() {
    }

    static Duration parse(String text) {
        try {
            if (text.toUpperCase().startsWith("P")) {
                return Duration.parse(text);
            }
            long amount = Long.parseLong(text.substring(0, text.length() - 1));
            return switch (text.charAt(text.length() - 1)) {
                case 's' -> Duration.ofSeconds(amount);
                case 'm' -> Duration.ofMinutes(amount);
                case 'h' -> Duration.ofHours(amount);
                default -> throw new IllegalArgumentException();
            };
        } catch (RuntimeException e) {
            throw new UsageException("not a duration: '" + text + "' (use 90s, 10m, 2h or PT10M)");
        }
    }

    /** Reads a {@code --timeout} for picocli. */
    static final class Converter implements ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            try {
                return parse(value);
            } catch (UsageException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }
}
