package io.offsite.scheduler.inventory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.offsite.events.DeletedKeys;
import io.offsite.events.v1.Artifact;
import io.offsite.events.v1.JobCompleted;
import io.offsite.events.v1.JobError;
import io.offsite.events.v1.JobStatus;
import io.offsite.scheduler.jobs.JobCatalog;
import io.offsite.scheduler.jobs.JobDraft;
import io.offsite.scheduler.kafka.AvroEvents;
import io.offsite.scheduler.runs.SettableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The inventory folds listings and completions; every instant comes from an injected clock or the events. */
class BackupInventoryTest {

    static {
        io.offsite.events.EventTrust.install();
    }

    private static final String P = "backup-database/";
    private static final Map<String, String> ROTATE = Map.of("series", "pokemon-data");

    private final SettableClock clock = new SettableClock("2025-01-15T10:00:00Z");
    private final BackupInventory inventory = new BackupInventory(List.of(new TrackedSeries("pokemon-data", P)), "offsite-backups", clock);

    private static String key(String day) {
        return P + "pokemon-data-2025-01-" + day + "T00-00-00.000Z.sqlite3.db.gz";
    }

    private static Held held(String day, long size) {
        return new Held(Instant.parse("2025-01-" + day + "T00:00:00Z").toEpochMilli(), size);
    }

    private static Listing listing(Map<String, Held> backups) {
        return new Listing(backups, Optional.empty(), 0);
    }

    private static JobCompleted completion(String job, String type, JobStatus status, Instant finishedAt) {
        return JobCompleted.newBuilder().setRunId(job + "@" + finishedAt).setJobName(job).setJobType(type).setStatus(status)
                .setFinishedAt(finishedAt).setWorker("w").build();
    }

    /** Folds a completion as the scheduler hands it over, translated from the event read from the bus. */
    private void concluded(String job, String type, Map<String, String> parameters, JobCompleted completion) {
        inventory.concluded(job, type, parameters, AvroEvents.completed(completion));
    }

    private void backedUp(String day, long size, Instant finishedAt) {
        concluded("backup-database", "BACKUP", Map.of("source", "pokemon-data"), JobCompleted.newBuilder(
                        completion("backup-database", "BACKUP", JobStatus.SUCCEEDED, finishedAt))
                .setArtifacts(List.of(new Artifact("offsite-backups", key(day), size, "ab", size * 4, "gzip", null))).build());
    }

    private void rotated(Instant finishedAt, String... keys) {
        concluded("rotate-backups", "ROTATION", ROTATE, JobCompleted.newBuilder(
                completion("rotate-backups", "ROTATION", JobStatus.SUCCEEDED, finishedAt)).setDeletedKeys(List.of(keys)).build());
    }

    private SeriesView view() {
        return inventory.view("pokemon-data").orElseThrow();
    }

    @Test
    void aListingIsTheTruthAndCompletionsKeepItCurrent() {
        assertThat(view().listed()).isFalse();
        inventory.listed("pokemon-data", clock.instant(), listing(Map.of(key("13"), held("13", 100), key("14"), held("14", 200))));
        clock.advance(Duration.ofMinutes(1));

        backedUp("15", 300, clock.instant());
        rotated(clock.instant().plusSeconds(1), key("13"), key("13") + ".sha256", "elsewhere/x-2025-01-01T00-00-00.000Z.gz");

        SeriesView view = view();
        assertThat(view.count()).isEqualTo(2);
        assertThat(view.totalSizeBytes()).isEqualTo(500);
        assertThat(view.oldest()).isEqualTo("2025-01-14T00:00:00Z");
        assertThat(view.newest()).isEqualTo("2025-01-15T00:00:00Z");
        assertThat(view.newestCurrent()).isEqualTo("2025-01-15T00:00:00Z");
        assertThat(view.listedAt()).isEqualTo("2025-01-15T10:00:00Z");
        assertThat(view.listingAge(clock.instant())).isEqualTo(Duration.ofMinutes(1));
    }

    @Test
    void completionsOlderThanTheListingChangeNothingSoReplayingTheLogIsHarmless() {
        Instant listedAt = clock.instant();
        inventory.listed("pokemon-data", listedAt, listing(Map.of(key("14"), held("14", 200))));
        // the log read from the beginning: a backup rotation deleted since, then that rotation
        backedUp("10", 100, listedAt.minus(Duration.ofDays(5)));
        rotated(listedAt.minus(Duration.ofDays(1)), key("14"));

        assertThat(view().count()).isEqualTo(1);
        assertThat(view().newest()).isEqualTo("2025-01-14T00:00:00Z");
    }

    @Test
    void beforeTheFirstListingCompletionsCountAndTheListingThenReplacesThem() {
        backedUp("10", 100, Instant.parse("2025-01-10T00:01:00Z"));
        assertThat(view().count()).as("known from the log until the bucket is listed").isEqualTo(1);
        assertThat(view().listed()).isFalse();

        inventory.listed("pokemon-data", clock.instant(), listing(Map.of(key("14"), held("14", 200))));
        assertThat(view().count()).isEqualTo(1);
        assertThat(view().newest()).as("rotation deleted the 10th before the scheduler started").isEqualTo("2025-01-14T00:00:00Z");
    }

    @Test
    void completionsDuringAListingSurviveIt() {
        Instant listingStarts = clock.instant();
        clock.advance(Duration.ofSeconds(20));
        backedUp("15", 300, clock.instant()); // stored after the listing passed its key
        rotated(clock.instant(), key("13"));   // deleted after the listing saw it
        inventory.listed("pokemon-data", listingStarts, listing(Map.of(key("13"), held("13", 100), key("14"), held("14", 200))));

        assertThat(view().count()).isEqualTo(2);
        assertThat(view().newest()).isEqualTo("2025-01-15T00:00:00Z");
        assertThat(view().oldest()).isEqualTo("2025-01-14T00:00:00Z");

        // the next listing started after them: the journal is dropped, the listing alone counts
        clock.advance(Duration.ofMinutes(5));
        inventory.listed("pokemon-data", clock.instant(), listing(Map.of(key("14"), held("14", 200))));
        assertThat(view().count()).isEqualTo(1);
    }

    @Test
    void theLaterChangeOfAKeyWinsWhateverOrderTheCompletionsArriveIn() {
        inventory.listed("pokemon-data", clock.instant(), listing(Map.of()));
        Instant t = clock.instant().plusSeconds(60);
        rotated(t.plusSeconds(10), key("15")); // read first: another partition
        backedUp("15", 300, t);
        assertThat(view().count()).isZero();
    }

    @Test
    void aRotationThatCannotSayWhatItDeletedAsksForANewListing() {
        inventory.listed("pokemon-data", clock.instant(), listing(Map.of(key("14"), held("14", 200))));
        clock.advance(Duration.ofMinutes(1));
        concluded("rotate-backups", "ROTATION", ROTATE, JobCompleted.newBuilder(
                        completion("rotate-backups", "ROTATION", JobStatus.SUCCEEDED, clock.instant()))
                .setStats(Map.of(DeletedKeys.TRUNCATED_STAT, 1L, "backups_deleted", 4000L)).build());
        assertThat(inventory.relistReason("pokemon-data")).get().asString().contains(DeletedKeys.TRUNCATED_STAT);

        clock.advance(Duration.ofSeconds(5));
        inventory.listed("pokemon-data", clock.instant(), listing(Map.of()));
        assertThat(inventory.relistReason("pokemon-data")).isEmpty();

        concluded("rotate-backups", "ROTATION", ROTATE, JobCompleted.newBuilder(
                        completion("rotate-backups", "ROTATION", JobStatus.FAILED, clock.instant()))
                .setError(new JobError("DELETE_FAILED", "could not delete 1 object")).build());
        clock.advance(Duration.ofSeconds(1));
        assertThat(inventory.relistReason("pokemon-data")).get().asString().contains("ended FAILED");
        concluded("rotate-backups", "ROTATION", ROTATE, completion("rotate-backups", "ROTATION", JobStatus.SKIPPED, clock.instant()));
    }

    @Test
    void aFailedListingKeepsTheLastOneAndSaysWhy() {
        Instant listedAt = clock.instant();
        inventory.listed("pokemon-data", listedAt, listing(Map.of(key("14"), held("14", 200))));
        clock.advance(Duration.ofMinutes(5));
        inventory.listingFailed("pokemon-data", clock.instant(), "cannot list: object store unreachable");

        SeriesView view = view();
        assertThat(view.count()).isEqualTo(1);
        assertThat(view.listedAt()).isEqualTo(listedAt);
        assertThat(view.listingError()).isEqualTo("cannot list: object store unreachable");
        assertThat(view.listingErrorAt()).isEqualTo(clock.instant());

        inventory.listed("pokemon-data", clock.instant(), listing(Map.of(key("14"), held("14", 200))));
        assertThat(view().listingError()).isNull();
    }

    @Test
    void theLatestVerificationWinsWhetherReadFromTheBucketOrFromACompletion() {
        Instant listedAt = clock.instant();
        Verdict sidecar = new Verdict(true, listedAt.minus(Duration.ofHours(3)), "sidecar " + key("14") + ".verified", null);
        inventory.listed("pokemon-data", listedAt, new Listing(Map.of(key("14"), held("14", 200)), Optional.of(sidecar), 0));
        assertThat(view().verification()).contains(sidecar);

        concluded("verify-backups", "VERIFY", Map.of("series", "pokemon-data"), JobCompleted.newBuilder(
                        completion("verify-backups", "VERIFY", JobStatus.FAILED, listedAt.minus(Duration.ofDays(2))))
                .setError(new JobError("CHECKSUM_MISMATCH", "differs")).build());
        assertThat(view().verification()).as("an old completion read from the log").contains(sidecar);

        clock.advance(Duration.ofMinutes(1));
        concluded("verify-backups", "VERIFY", Map.of("series", "pokemon-data"), JobCompleted.newBuilder(
                        completion("verify-backups", "VERIFY", JobStatus.FAILED, clock.instant()))
                .setError(new JobError("CHECKSUM_MISMATCH", "stored object differs")).build());
        Verdict failed = view().verification().orElseThrow();
        assertThat(failed.passed()).isFalse();
        assertThat(failed.message()).isEqualTo("CHECKSUM_MISMATCH: stored object differs");
        assertThat(failed.source()).startsWith("run verify-backups@");

        // the failure's sidecar is in the next listing; the bucket speaks again
        clock.advance(Duration.ofMinutes(5));
        Verdict listedFailure = new Verdict(false, clock.instant().minus(Duration.ofMinutes(5)), "sidecar " + key("14") + ".verified",
                "stored object differs");
        inventory.listed("pokemon-data", clock.instant(), new Listing(Map.of(key("14"), held("14", 200)), Optional.of(listedFailure), 0));
        assertThat(view().verification()).contains(listedFailure);

        // rotation deletes the failed backup with its sidecar: the verdict goes with it
        rotated(clock.instant().plusSeconds(1), key("14"), key("14") + ".verified");
        assertThat(view().verification()).isEmpty();
    }

    @Test
    void aVerificationThatDidNotRestoreEncryptedBackupsIsPassedButMarked() {
        clock.advance(Duration.ofMinutes(1));
        concluded("verify-backups", "VERIFY", Map.of("series", "pokemon-data"), JobCompleted.newBuilder(
                        completion("verify-backups", "VERIFY", JobStatus.SUCCEEDED, clock.instant()))
                .setStats(Map.of("verified", 1L, "not_restored", 1L)).build());
        Verdict verdict = view().verification().orElseThrow();
        assertThat(verdict.passed()).isTrue();
        assertThat(verdict.notRestored()).isTrue();
        assertThat(verdict.status()).isEqualTo("ENCRYPTED_NOT_RESTORED");

        clock.advance(Duration.ofMinutes(1));
        concluded("verify-backups", "VERIFY", Map.of("series", "pokemon-data"), JobCompleted.newBuilder(
                        completion("verify-backups", "VERIFY", JobStatus.SUCCEEDED, clock.instant()))
                .setStats(Map.of("verified", 1L, "not_restored", 0L)).build());
        assertThat(view().verification().orElseThrow().status()).isEqualTo("OK");
    }

    @Test
    void futureDatedBackupsAreCountedButNeverTheNewestForHealth() {
        inventory.listed("pokemon-data", clock.instant(), listing(Map.of(key("14"), held("14", 200),
                P + "pokemon-data-9999-01-01T00-00-00.000Z.sqlite3.db.gz",
                new Held(Instant.parse("9999-01-01T00:00:00Z").toEpochMilli(), 1))));
        SeriesView view = view();
        assertThat(view.count()).isEqualTo(2);
        assertThat(view.newest()).isEqualTo("9999-01-01T00:00:00Z");
        assertThat(view.newestCurrent()).isEqualTo("2025-01-14T00:00:00Z");
        assertThat(view.futureDated()).isEqualTo(1);
    }

    @Test
    void artifactsOfAnotherBucketOrOutsideEverySeriesFolderAreNotBackupsOfIt() {
        inventory.listed("pokemon-data", clock.instant(), listing(Map.of()));
        Instant t = clock.instant().plusSeconds(60);
        concluded("backup-database", "BACKUP", Map.of(), JobCompleted.newBuilder(completion("backup-database", "BACKUP",
                JobStatus.SUCCEEDED, t)).setArtifacts(List.of(
                new Artifact("other-bucket", key("15"), 1L, "ab", 1L, "gzip", null),
                new Artifact("offsite-backups", P + "sub/pokemon-data-2025-01-15T00-00-00.000Z.gz", 1L, "ab", 1L, "gzip", null),
                new Artifact("offsite-backups", P + "notes.txt", 1L, "ab", 1L, "gzip", null))).build());
        concluded("backup-database", "BACKUP", Map.of(), JobCompleted.newBuilder(completion("backup-database", "BACKUP",
                JobStatus.FAILED, t)).setArtifacts(List.of(new Artifact("offsite-backups", key("15"), 1L, "ab", 1L, "gzip", null))).build());
        assertThat(view().count()).isZero();
    }

    @Test
    void aFloodOfChangesBetweenListingsAsksForANewListingRatherThanGrowing() {
        inventory.listed("pokemon-data", clock.instant(), listing(Map.of()));
        Instant t = clock.instant().plusSeconds(60);
        List<String> keys = IntStream.range(0, BackupInventory.JOURNAL_LIMIT + 1)
                .mapToObj(i -> P + "b-" + Instant.parse("2020-01-01T00:00:00Z").plusSeconds(i).toString().replace(':', '-') + ".gz")
                .toList();
        for (int from = 0; from < keys.size(); from += DeletedKeys.MAX_KEYS) {
            rotated(t, keys.subList(from, Math.min(keys.size(), from + DeletedKeys.MAX_KEYS)).toArray(String[]::new));
        }
        assertThat(inventory.relistReason("pokemon-data")).isPresent();
    }

    @Test
    void historyReplayedAtStartCountsUntilTheFirstListingWithoutFillingTheJournal() {
        // the event log's history, read at start: more backups of one series than the journal holds
        Instant day = Instant.parse("2024-01-01T00:00:00Z");
        for (int i = 0; i <= BackupInventory.JOURNAL_LIMIT; i++) {
            Instant taken = day.plusSeconds(60L * i);
            String key = P + "b-" + taken.toString().replace(':', '-') + ".gz";
            concluded("backup-database", "BACKUP", Map.of("source", "pokemon-data"), JobCompleted.newBuilder(
                            completion("backup-database", "BACKUP", JobStatus.SUCCEEDED, taken.plusSeconds(30)))
                    .setArtifacts(List.of(new Artifact("offsite-backups", key, 1L, "ab", 4L, "gzip", null))).build());
        }
        assertThat(view().count()).as("known from the log until the bucket is listed").isEqualTo(BackupInventory.JOURNAL_LIMIT + 1);
        assertThat(inventory.relistReason("pokemon-data")).as("the listing on start covers them; no second one is asked for").isEmpty();

        inventory.listed("pokemon-data", clock.instant(), listing(Map.of(key("14"), held("14", 200))));
        assertThat(view().count()).isEqualTo(1);
    }

    @Test
    void aBackupReadAfterTheRotationThatDeletedItBeforeTheStartStaysDeleted() {
        Instant before = clock.instant().minus(Duration.ofDays(1));
        rotated(before.plusSeconds(10), key("10")); // read first: another partition
        backedUp("10", 300, before);
        assertThat(view().count()).isZero();
    }

    @Test
    void aListingOfAnUnknownSeriesIsRefused() {
        assertThatThrownBy(() -> inventory.listed("nope", clock.instant(), listing(new HashMap<>())))
                .hasMessageContaining("no inventory of series 'nope'");
    }

    @Test
    void seriesComeFromTheCatalogInTheirConfiguredFolders() {
        JobCatalog catalog = new JobCatalog(List.of(
                new JobDraft("backup-database", "BACKUP", "0 0 * * *", "UTC", Duration.ofMinutes(5), 0, Duration.ZERO, true,
                        List.of(), true, Map.of("source", "pokemon-data")).toDefinition(),
                new JobDraft("rotate-backups", "ROTATION", "0 1 * * *", "UTC", Duration.ofMinutes(5), 0, Duration.ZERO, true,
                        List.of(), true, Map.of("series", "pokemon-data")).toDefinition(),
                new JobDraft("backup-shop", "BACKUP", "0 0 * * *", "UTC", Duration.ofMinutes(5), 0, Duration.ZERO, true,
                        List.of(), true, Map.of("source", "shop")).toDefinition()), List.of());
        assertThat(TrackedSeries.of(catalog, Map.of("pokemon-data", "backup-database"))).containsExactly(
                new TrackedSeries("pokemon-data", "backup-database/"), new TrackedSeries("shop", "shop/"));
        assertThatThrownBy(() -> TrackedSeries.of(catalog, Map.of("pokemon-data", "backup-database", "shop", "backup-database/")))
                .hasMessageContaining("series 'pokemon-data' and 'shop' are both in the folder backup-database/");
        assertThatThrownBy(() -> TrackedSeries.of(catalog, Map.of("shop", "_incoming/")))
                .hasMessageContaining("offsite.scheduler.inventory.prefixes.shop");
        assertThatThrownBy(() -> TrackedSeries.of(catalog, Map.of("typo", "x/")))
                .hasMessageContaining("no BACKUP, VERIFY or ROTATION job names the series 'typo'");
    }
}
