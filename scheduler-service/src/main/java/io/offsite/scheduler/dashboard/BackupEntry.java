package io.offsite.scheduler.dashboard;

import java.time.Instant;

/**
 * One backup of a series as the dashboard shows it.
 *
 * @param key          its object key
 * @param name         the key without the series folder
 * @param takenAt      the instant its name carries
 * @param sizeBytes    its size (sidecars not counted)
 * @param verification what its {@code .verified} sidecar says; {@link Verification#none()} when it has none
 */
public record BackupEntry(String key, String name, Instant takenAt, long sizeBytes, Verification verification) {

    /**
     * The verification state of one backup.
     *
     * @param state      {@code OK}, {@code FAILED}, {@code ENCRYPTED_NOT_RESTORED} (an encrypted backup checked without
     *                   its identity), {@code UNREADABLE} (a sidecar that is not one) or {@code NONE}
     * @param verifiedAt when it was verified (the sidecar's {@code verifiedAt}, else its last-modified time)
     * @param reason     why it failed or cannot be read
     */
    public record Verification(String state, Instant verifiedAt, String reason) {

        public static final String OK = "OK";
        public static final String FAILED = "FAILED";
        public static final String ENCRYPTED_NOT_RESTORED = "ENCRYPTED_NOT_RESTORED";
        public static final String UNREADABLE = "UNREADABLE";
        public static final String NONE = "NONE";

        static Verification none() {
            return new Verification(NONE, null, null);
        }

        public boolean present() {
            return !NONE.equals(state);
        }
    }
}
