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
 * @param message why it failed, or what a not-restored verification did; may be null
 * @param notRestored an encrypted backup checked without its identity (stored checksum and age header sound, not
 *                    restored): not a failure, but not the proof a restore gives, and shown as such
 */
public record Verdict(boolean passed, Instant at, String source, String message, boolean notRestored) {

    public Verdict {
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(source, "source");
    }

    public Verdict(boolean passed, Instant at, String source, String message) {
        this(passed, at, source, message, false);
    }

    /** A verification of an encrypted backup without its identity: passed, but not restored. */
    public static Verdict notRestored(Instant at, String source, String message) {
        return new Verdict(true, at, source, message, true);
    }

    /** {@code OK}, {@code FAILED} or {@code ENCRYPTED_NOT_RESTORED}. */
    public String status() {
        return !passed ? "FAILED" : notRestored ? "ENCRYPTED_NOT_RESTORED" : "OK";
    }
}
