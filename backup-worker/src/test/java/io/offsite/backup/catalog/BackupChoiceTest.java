package io.offsite.backup.catalog;

import io.offsite.backup.readback.RestoreException;
import io.offsite.worker.artifact.StoredBackup;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.offsite.backup.catalog.BackupChoice.Sample;
import java.time.Instant;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BackupChoiceTest {

    static final List<StoredBackup> DAILY = List.of(
            backup("backup-database/pokemon-data-2025-01-13T00-00-00.000Z.sqlite3.db.gz"),
            backup("backup-database/pokemon-data-2025-01-15T00-00-00.000Z.sqlite3.db.gz"),
            backup("backup-database/pokemon-data-2025-01-14T00-00-00.000Z.sqlite3.db.gz"));

    static StoredBackup backup(String key) {
        return StoredBackup.fromKey(key, 100).orElseThrow();
    }

    @Test
    void keysCarryTheirInstantAndSeries() {
        StoredBackup b = backup("shop-backups/shop_a/shop-2025-01-15T03-04-05.678Z.dump.gz");
        assertThat(b.time()).isEqualTo(Instant.parse("2025-01-15T03:04:05.678Z"));
        assertThat(b.series()).isEqualTo("shop-backups/shop_a");
        assertThat(b.fileName()).isEqualTo("shop-2025-01-15T03-04-05.678Z.dump.gz");
    }

    @Test
    void sidecarsStagingAndUnstampedKeysAreNoBackups() {
        assertThat(StoredBackup.fromKey("backup-database/pokemon-data-2025-01-15T00-00-00.000Z.sqlite3.db.gz.sha256", 1)).isEmpty();
        assertThat(StoredBackup.fromKey("backup-database/pokemon-data-2025-01-15T00-00-00.000Z.sqlite3.db.gz.verified", 1)).isEmpty();
        assertThat(StoredBackup.fromKey("_incoming/backup-database/pokemon-data-2025-01-15T00-00-00.000Z.sqlite3.db.gz.ab12", 1)).isEmpty();
        assertThat(StoredBackup.fromKey("backup-database/notes.txt", 1)).isEmpty();
        assertThat(StoredBackup.fromKey("_runs/2025-01-15T00-00-00.000Z", 1)).isEmpty();
    }

    @Test
    void latestIsTheNewestByTheTimestampInTheName() {
        assertThat(BackupChoice.latest(DAILY, "backup-database").time()).isEqualTo(Instant.parse("2025-01-15T00:00:00Z"));
    }

    @ParameterizedTest
    @CsvSource({
            "2025-01-15T00:00:00Z, 2025-01-15T00:00:00Z",
            "2025-01-14T23:59:59.999Z, 2025-01-14T00:00:00Z",
            "2025-01-14T12:00:00Z, 2025-01-14T00:00:00Z",
            "2030-01-01T00:00:00Z, 2025-01-15T00:00:00Z",
            "2025-01-13T00:00:00Z, 2025-01-13T00:00:00Z"})
    void asOfPicksTheNewestNotNewerThanTheInstant(String asOf, String expected) {
        assertThat(BackupChoice.asOf(DAILY, "backup-database", Instant.parse(asOf)).time()).isEqualTo(Instant.parse(expected));
    }

    @Test
    void asOfBeforeTheOldestSaysWhatExists() {
        assertThatThrownBy(() -> BackupChoice.asOf(DAILY, "backup-database", Instant.parse("2025-01-12T00:00:00Z")))
                .isInstanceOf(RestoreException.class).hasMessageContaining("the oldest is 2025-01-13T00:00:00Z").hasMessageContaining("offsite backups");
    }

    @Test
    void emptyOrMixedListingsAreRefused() {
        assertThatThrownBy(() -> BackupChoice.latest(List.of(), "nothing")).hasMessageContaining("no backups in 'nothing'");
        List<StoredBackup> mixed = List.of(backup("shop/a/shop-2025-01-15T00-00-00.000Z.dump.gz"), backup("shop/b/shop-2025-01-15T00-00-00.000Z.dump.gz"));
        assertThatThrownBy(() -> BackupChoice.latest(mixed, "shop")).hasMessageContaining("[shop/a, shop/b]").hasMessageContaining("--series");
    }

    @Test
    void sampleTakesTheNewestAndOneOlderPerSeries() {
        List<StoredBackup> both = new java.util.ArrayList<>(DAILY);
        both.add(backup("other/x-2025-01-01T00-00-00.000Z.db.gz"));
        for (long seed = 0; seed < 20; seed++) {
            List<StoredBackup> chosen = BackupChoice.sample(both, Sample.NEWEST_AND_RANDOM, new SplittableRandom(seed));
            assertThat(chosen).hasSize(3).doesNotHaveDuplicates();
            assertThat(chosen).contains(DAILY.get(1), both.get(3));
        }
        assertThat(BackupChoice.sample(DAILY, Sample.NEWEST, new SplittableRandom(1))).containsExactly(DAILY.get(1));
        assertThat(BackupChoice.sample(DAILY, Sample.ALL, new SplittableRandom(1))).containsExactly(DAILY.get(1), DAILY.get(2), DAILY.get(0));
    }

    @Test
    void sampleNamesParse() {
        assertThat(Sample.parse("newest+random")).isEqualTo(Sample.NEWEST_AND_RANDOM);
        assertThat(Sample.parse("newest random")).isEqualTo(Sample.NEWEST_AND_RANDOM);
        assertThat(Sample.parse("ALL")).isEqualTo(Sample.ALL);
        assertThatThrownBy(() -> Sample.parse("oldest")).hasMessageContaining("newest, newest+random or all");
    }

    @Test
    void futureDatedBackupsAreSplitOffAtNowPlusTheSkew() {
        Instant now = Instant.parse("2025-01-15T01:00:00Z");
        StoredBackup skewed = backup("backup-database/pokemon-data-2025-01-15T01-05-00.000Z.sqlite3.db.gz");
        StoredBackup ahead = backup("backup-database/pokemon-data-2025-01-15T01-05-00.001Z.sqlite3.db.gz");
        StoredBackup forged = backup("backup-database/pokemon-data-9999-01-01T00-00-00.000Z.sqlite3.db.gz");
        List<StoredBackup> all = new java.util.ArrayList<>(DAILY);
        all.addAll(List.of(forged, skewed, ahead));

        BackupChoice.Dated dated = BackupChoice.split(all, now);

        assertThat(dated.futureDated()).containsExactly(ahead, forged);
        assertThat(dated.current()).hasSize(4).last().isEqualTo(skewed);
        assertThat(BackupChoice.latest(dated.current(), "backup-database")).isEqualTo(skewed);
        assertThat(BackupChoice.sample(dated.current(), Sample.NEWEST, new SplittableRandom(1))).containsExactly(skewed);
        assertThat(dated.describeIgnored(now)).startsWith("2 future-dated backup(s) ignored (dated after 2025-01-15T01:05:00Z")
                .contains(forged.key());
    }
}
