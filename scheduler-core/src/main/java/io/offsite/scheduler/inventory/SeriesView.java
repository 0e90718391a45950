package io.offsite.scheduler.inventory;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * What the inventory knows of one series at an instant: its backups (from the last listing of the bucket, kept
 * current by completions since), the latest verification, and how fresh the listing is.
 *
 * @param count              backups held
 * @param totalSizeBytes     their sizes together (sidecars not counted)
 * @param oldest             the oldest backup's time; null when there is none
 * @param newest             the newest backup's time; null when there is none
 * @param newestCurrent      the newest backup not dated after now + the inventory's future skew: what health
 *                           judges by, so a mis-dated backup cannot keep a series healthy; null when there is none
 * @param futureDated        backups dated later than that
 * @param verification       the latest verification, if any is known
 * @param listedAt           when the last complete listing started; null while the series was never listed
 * @param listingError       why the latest listing failed, when it did (the last complete listing is kept)
 * @param listingErrorAt     when that listing started
 */
public record SeriesView(String series, String prefix, int count, long totalSizeBytes, Instant oldest, Instant newest,
        Instant newestCurrent, int futureDated, Optional<Verdict> verification, Instant listedAt, String listingError,
        Instant listingErrorAt) {

    public boolean listed() {
        return listedAt != null;
    }

    /** How long ago the last complete listing started; null while never listed. */
    public Duration listingAge(Instant now) {
        if (listedAt == null) {
            return null;
        }
        Duration age = Duration.between(listedAt, now);
        return age.isNegative() ? Duration.ZERO : age;
    }
}
