package io.offsite.scheduler.inventory;

import java.time.Instant;
import java.util.Objects;

/**
 * The outcome of the latest verification of a series: read from the newest {@code .verified} sidecar in the bucket,
 * or from a verification completion seen since the series was last listed.
 *
 * @param passed  whether the verification proved the backup restorable
 * @param at      when it ran (the sidecar's {@code verifiedAt}, else its last-modified time; a completion's finish)
 * @param source  where it was read: {@code sidecar <key>} or {@code run <runId> of <job>}
 * @param message why it failed; may be null
 */
public record Verdict(boolean passed, Instant at, String source, String message) {

    public Verdict {
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(source, "source");
    }

    public String status() {
        return passed ? "OK" : "FAILED";
    }
}
