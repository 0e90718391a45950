package io.offsite.scheduler.inventory;

import io.offsite.events.DeletedKeys;
import io.offsite.scheduler.runs.Completed;
import io.offsite.scheduler.runs.RunStatus;
import io.offsite.scheduler.runs.Series;
import io.offsite.worker.artifact.BackupKeys;
import io.offsite.worker.artifact.SeriesListing;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What the bucket holds, series by series: the source of the backup statistics and of backup health. Each series is
 * listed in full (on start and every interval, by a {@link Listing}); between listings, completions keep it current:
 * a backup adds its artifacts, a rotation removes the keys it deleted (or asks for a new listing when it cannot say
 * which), a verification updates the verdict.
 *
 * <p>A listing is taken as the truth as of the instant it started. A completion that finished before that (less
 * {@link #SKEW} for the workers' clocks) is already in it and changes nothing, which is what makes replaying the
 * event log from the beginning, or reading it after a listing, harmless: an old backup's completion does not
 * resurrect a backup rotation deleted since. Changes from completions are journalled per key until a listing
 * started after them, so a listing running while they arrive does not undo them, and a key's later change wins
 * whatever order the completions arrive in (they come from different partitions).
 *
 * <p>Thread-safe; the clock is injected.
 */
public final class BackupInventory {

    /** How far a worker's clock may be behind the scheduler's before a completion is taken for part of a listing. */
    public static final Duration SKEW = Duration.ofSeconds(30);
    /** Backups dated further ahead than this are future-dated: counted, never the newest for health (as rotation). */
    public static final Duration FUTURE_SKEW = Duration.ofMinutes(5);
    /** Most changes journalled per series between two listings; past it the series is listed again. */
    static final int JOURNAL_LIMIT = 10_000;

    private final String bucket;
    private final Clock clock;
    private final Map<String, State> byName = new LinkedHashMap<>();
    private final Map<String, State> byPrefix = new HashMap<>();
    /**
     * Backups added before this (the inventory's creation, less {@link #SKEW}) are in every listing it will be
     * given, since each starts after it: they count until the first listing but are not journalled. Replaying the
     * event log's history at start-up would otherwise journal every backup ever completed, a second map as large as
     * the first, and ask for a new listing of every series past {@link #JOURNAL_LIMIT}. Deletions are journalled
     * whenever they happened, so a backup's completion read after the rotation that deleted it does not bring it back.
     */
    private final Instant everyListingCovers;

    public BackupInventory(List<TrackedSeries> series, String bucket, Clock clock) {
        this.bucket = Objects.requireNonNull(bucket, "bucket");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.everyListingCovers = clock.instant().minus(SKEW);
        for (TrackedSeries s : series) {
            State state = new State(s, everyListingCovers);
            byName.put(s.name(), state);
            byPrefix.put(s.prefix(), state);
        }
    }

    public List<TrackedSeries> series() {
        return byName.values().stream().map(s -> s.series).toList();
    }

    // ---------------------------------------------------------------- completions

    /**
     * Folds the conclusion of a run the scheduler trusts (its request was read, or the job is declared external);
     * {@code parameters} are those of its request, else its job's.
     */
    public synchronized void concluded(String jobName, String jobType, Map<String, String> parameters, Completed completion) {
        RunStatus status = completion.status();
        Instant at = completion.finishedAt();
        if (at == null || jobType == null) {
            return;
        }
        switch (jobType) {
            case "BACKUP" -> {
                if (status == RunStatus.SUCCEEDED || status == RunStatus.PARTIALLY_FAILED) {
                    for (Completed.Artifact artifact : completion.artifacts()) {
                        added(artifact, at);
                    }
                }
            }
            case "ROTATION" -> rotated(jobName, parameters, completion, status, at);
            case "VERIFY" -> {
                if (status == RunStatus.SUCCEEDED || status == RunStatus.FAILED || status == RunStatus.PARTIALLY_FAILED) {
                    State state = byName.get(Series.ofVerification(jobName, parameters));
                    if (state != null) {
                        String message = completion.message() != null ? completion.message()
                                : completion.error() != null ? completion.error().type() + ": " + completion.error().message()
                                : null;
                        // a run that checked encrypted backups without restoring them says so in its stats
                        boolean notRestored = status == RunStatus.SUCCEEDED && completion.stats() != null
                                && completion.stats().getOrDefault("not_restored", 0L) > 0;
                        verified(state, new Verdict(status == RunStatus.SUCCEEDED, at,
                                "run " + completion.runId() + " of " + jobName, message, notRestored));
                    }
                }
            }
            default -> {
            }
        }
    }

    private void added(Completed.Artifact artifact, Instant at) {
        if (artifact.key() == null || !bucket.equals(artifact.bucket())) {
            return;
        }
        State state = seriesOfKey(artifact.key());
        if (state == null) {
            return;
        }
        SeriesListing.backupTime(state.series.prefix(), artifact.key()).ifPresent(time ->
                state.change(artifact.key(), new Held(time.toEpochMilli(), Math.max(0, artifact.sizeBytes())), at));
    }

    private void rotated(String jobName, Map<String, String> parameters, Completed completion, RunStatus status, Instant at) {
        State named = byName.get(Series.ofVerification(jobName, parameters));
        switch (status) {
            case SUCCEEDED -> {
                DeletedKeys.Reported reported = DeletedKeys.of(completion.deletedKeys(), completion.stats());
                if (reported instanceof DeletedKeys.Complete complete) {
                    for (String key : complete.keys()) {
                        State state = seriesOfKey(key);
                        if (state != null) {
                            state.deleted(key, at);
                        }
                    }
                } else {
                    relist(named, ((DeletedKeys.Truncated) reported).reason());
                }
            }
            // it may have deleted some before it stopped, and says nothing of which
            case FAILED, PARTIALLY_FAILED, TIMED_OUT -> relist(named, "rotation run " + completion.runId() + " ended " + status);
            default -> {
            }
        }
    }

    private void relist(State named, String why) {
        if (named != null) {
            named.relistRequested(clock.instant(), why);
        } else {
            byName.values().forEach(s -> s.relistRequested(clock.instant(), why));
        }
    }

    private void verified(State state, Verdict verdict) {
        if (state.listedAt != null && verdict.at().isBefore(state.listedAt.minus(SKEW))) {
            return; // the listing read its sidecar, or a newer one
        }
        if (state.eventVerdict == null || !verdict.at().isBefore(state.eventVerdict.at())) {
            state.eventVerdict = verdict;
        }
    }

    /** The series whose folder directly holds {@code key}. */
    private State seriesOfKey(String key) {
        return byPrefix.get(BackupKeys.prefixOf(BackupKeys.folderOf(key)));
    }

    // ---------------------------------------------------------------- listings

    /** Replaces what is known of {@code series} with a complete listing that started at {@code startedAt}. */
    public synchronized void listed(String series, Instant startedAt, Listing listing) {
        State state = require(series);
        state.backups = new HashMap<>(listing.backups());
        Instant cutoff = startedAt.minus(SKEW);
        state.journal.values().removeIf(change -> change.at.isBefore(cutoff));
        state.journal.forEach((key, change) -> state.apply(key, change.added));
        state.listedVerdict = listing.verdict().orElse(null);
        if (state.eventVerdict != null && state.eventVerdict.at().isBefore(cutoff)) {
            state.eventVerdict = null;
        }
        state.listedAt = startedAt;
        state.listingError = null;
        state.listingErrorAt = null;
        state.ignored = listing.ignored();
        if (state.relistRequestedAt != null && state.relistRequestedAt.isBefore(startedAt)) {
            state.relistRequestedAt = null;
            state.relistReason = null;
        }
    }

    /** Records that a listing of {@code series} started at {@code startedAt} failed; what was known is kept. */
    public synchronized void listingFailed(String series, Instant startedAt, String error) {
        State state = require(series);
        state.listingError = error == null ? "unknown error" : error;
        state.listingErrorAt = startedAt;
    }

    /** Why {@code series} should be listed before its interval is up (a rotation that could not say what it deleted). */
    public synchronized Optional<String> relistReason(String series) {
        State state = require(series);
        return state.relistRequestedAt == null ? Optional.empty() : Optional.of(state.relistReason);
    }

    private State require(String series) {
        State state = byName.get(series);
        if (state == null) {
            throw new IllegalArgumentException("no inventory of series '" + series + "'; the series are " + byName.keySet());
        }
        return state;
    }

    // ---------------------------------------------------------------- queries

    public synchronized Optional<SeriesView> view(String series) {
        State state = byName.get(series);
        return state == null ? Optional.empty() : Optional.of(state.view(clock.instant()));
    }

    /** Every series, in the order of the catalog. */
    public synchronized List<SeriesView> views() {
        Instant now = clock.instant();
        List<SeriesView> views = new ArrayList<>();
        byName.values().forEach(s -> views.add(s.view(now)));
        return views;
    }

    /** Backups held of {@code series}; 0 for a series not tracked. */
    public synchronized int count(String series) {
        State state = byName.get(series);
        return state == null ? 0 : state.backups.size();
    }

    private record Change(Held added, Instant at) {
    }

    private static final class State {

        final TrackedSeries series;
        Map<String, Held> backups = new HashMap<>();
        final Map<String, Change> journal = new HashMap<>();
        Verdict listedVerdict;
        Verdict eventVerdict;
        Instant listedAt;
        String listingError;
        Instant listingErrorAt;
        Instant relistRequestedAt;
        String relistReason;
        long ignored;
        final Instant everyListingCovers;

        State(TrackedSeries series, Instant everyListingCovers) {
            this.series = series;
            this.everyListingCovers = everyListingCovers;
        }

        void change(String key, Held added, Instant at) {
            if (listedAt != null && at.isBefore(listedAt.minus(SKEW))) {
                return; // the listing shows the bucket after it
            }
            Change previous = journal.get(key);
            if (previous != null && previous.at.isAfter(at)) {
                return; // a later change of this key is known already
            }
            apply(key, added);
            if (added != null && at.isBefore(everyListingCovers)) {
                return; // every listing shows the bucket after it; deletions stay journalled, so none is undone
            }
            journal.put(key, new Change(added, at));
            if (journal.size() > JOURNAL_LIMIT) {
                journal.clear();
                relistRequested(at, "more than " + JOURNAL_LIMIT + " changes since the last listing");
            }
        }

        void deleted(String key, Instant at) {
            if (BackupKeys.sidecarOf(key).isPresent()) {
                if (listedVerdict != null && listedVerdict.source().equals("sidecar " + key)) {
                    listedVerdict = null; // its backup went with it; the next listing finds the newest left
                }
                return;
            }
            change(key, null, at);
        }

        void apply(String key, Held added) {
            if (added == null) {
                backups.remove(key);
            } else {
                backups.put(key, added);
            }
        }

        void relistRequested(Instant at, String why) {
            if (relistRequestedAt == null) {
                relistRequestedAt = at;
                relistReason = why;
            }
        }

        SeriesView view(Instant now) {
            long limit = now.plus(FUTURE_SKEW).toEpochMilli();
            long total = 0;
            long oldest = Long.MAX_VALUE;
            long newest = Long.MIN_VALUE;
            long newestCurrent = Long.MIN_VALUE;
            int future = 0;
            for (Held held : backups.values()) {
                total += held.sizeBytes();
                oldest = Math.min(oldest, held.takenAtMillis());
                newest = Math.max(newest, held.takenAtMillis());
                if (held.takenAtMillis() > limit) {
                    future++;
                } else {
                    newestCurrent = Math.max(newestCurrent, held.takenAtMillis());
                }
            }
            boolean any = !backups.isEmpty();
            Verdict verdict = listedVerdict;
            if (eventVerdict != null && (verdict == null || !eventVerdict.at().isBefore(verdict.at()))) {
                verdict = eventVerdict;
            }
            return new SeriesView(series.name(), series.prefix(), backups.size(), total,
                    any ? Instant.ofEpochMilli(oldest) : null, any ? Instant.ofEpochMilli(newest) : null,
                    newestCurrent == Long.MIN_VALUE ? null : Instant.ofEpochMilli(newestCurrent), future,
                    Optional.ofNullable(verdict), listedAt, listingError, listingErrorAt);
        }
    }
}
