package io.offsite.scheduler.inventory;

import java.time.Instant;

/**
 * The statistics of one series as the API shows them: what the bucket holds, and how fresh that knowledge is.
 *
 * @param listedAt       when the last complete listing of the series started; null while it was never listed
 * @param listingAge     how long ago that was, ISO-8601 ({@code PT4M12S}); null while never listed
 * @param listingError   why the latest listing failed, when it did (these figures are then the last listing's,
 *                       kept current by completions)
 */
public record SeriesStats(String series, String prefix, int count, long totalSizeBytes, Instant oldest, Instant newest,
        Instant listedAt, String listingAge, String listingError) {

    public static SeriesStats of(SeriesView view, Instant now) {
        return new SeriesStats(view.series(), view.prefix(), view.count(), view.totalSizeBytes(), view.oldest(), view.newest(),
                view.listedAt(), view.listed() ? view.listingAge(now).toString() : null, view.listingError());
    }
}
