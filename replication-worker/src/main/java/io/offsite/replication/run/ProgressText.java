package io.offsite.replication.run;

import java.time.Duration;
import java.util.Locale;

/** How progress lines spell labels and durations. */
final class ProgressText {

    private ProgressText() {
    }

    static String capitalize(String label) {
        return label.isEmpty() ? label : label.substring(0, 1).toUpperCase(Locale.ROOT) + label.substring(1);
    }

    static String seconds(Duration d) {
        return String.format(Locale.ROOT, "%.2f s", d.toMillis() / 1000.0);
    }
}
