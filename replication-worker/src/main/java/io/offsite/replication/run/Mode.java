package io.offsite.replication.run;

import java.util.Locale;

/** Full: every row is read and compared. Incremental: only rows whose watermark column moved since the last clean run. */
public enum Mode {
    FULL,
    INCREMENTAL;

    public static Mode parse(String value) {
        for (Mode mode : values()) {
            if (mode.name().equalsIgnoreCase(value.trim())) {
                return mode;
            }
        }
        throw new IllegalArgumentException("mode must be full or incremental, got '" + value + "'");
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
