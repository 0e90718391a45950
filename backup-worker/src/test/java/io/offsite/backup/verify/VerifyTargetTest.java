package io.offsite.backup.verify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.offsite.backup.config.BackupProperties.Source;
import io.offsite.backup.config.BackupProperties.SourceType;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class VerifyTargetTest {

    static final Map<String, Source> SOURCES = Map.of(
            "pokemon-data", new Source(SourceType.SQLITE, Path.of("x.db"), "backup-database", "pokemon-data", null, null, 0, null, null, null, null, null, null, null, null),
            "shop", new Source(SourceType.POSTGRES, null, "shop-backups", "shop", null, null, 0, List.of("a", "b"), null, null, null, null, null, null, null));

    @Test
    void sourceNameSeriesOrUnitFolderResolveToTheirSource() {
        assertThat(VerifyTarget.resolve("pokemon-data", SOURCES)).isEqualTo(new VerifyTarget("backup-database", "pokemon-data", List.of()));
        assertThat(VerifyTarget.resolve("backup-database/", SOURCES)).isEqualTo(new VerifyTarget("backup-database", "pokemon-data", List.of()));
        assertThat(VerifyTarget.resolve("shop", SOURCES)).isEqualTo(new VerifyTarget("shop-backups", "shop", List.of("a", "b")));
        assertThat(VerifyTarget.resolve("shop-backups/a", SOURCES)).isEqualTo(new VerifyTarget("shop-backups/a", "shop", List.of()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "/", "/etc", "a/../b", "../other", "backup-database/../secret", "secret/", "_incoming", "_runs",
            "archive/2024", "shop-backups/c", "backup-database/sub", "backup-\u0007database"})
    void anythingButAConfiguredSeriesIsRefused(String series) {
        assertThatThrownBy(() -> VerifyTarget.resolve(series, SOURCES)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not a configured series").hasMessageContaining("pokemon-data (backup-database)");
    }

    @Test
    void controlCharactersAreEscapedInMessages() {
        assertThatThrownBy(() -> VerifyTarget.resolve("evil\nINFO forged line", SOURCES)).hasMessageStartingWith("series 'evil\\u000aINFO forged line'")
                .hasMessageNotContaining("\n");
        assertThat(VerifyTarget.quoted("x".repeat(300))).hasSize(205).endsWith("...'");
    }

    @ParameterizedTest
    @ValueSource(strings = {"backup-database/pokemon-data-2025-01-15T00-00-00.000Z.sqlite3.db.gz",
            "backup-database/whatever-the-name"})
    void keysDirectlyInTheSeriesAreAccepted(String key) {
        VerifyTarget.resolve("pokemon-data", SOURCES).requireKey(key);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "/backup-database/x.gz", "backup-database/../secret/x.gz", "backup-database/x..gz",
            "backup-database/x\u0000.gz", "backup-database/x\r.gz", "secret/x.gz", "backup-database-2/x.gz", "backup-database/",
            "backup-database/sub/x.gz", "backup-database", "_runs/abc"})
    void otherKeysAreRefused(String key) {
        assertThatThrownBy(() -> VerifyTarget.resolve("pokemon-data", SOURCES).requireKey(key)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("key '");
    }

    @Test
    void aMultiDatabaseSourceHoldsItsUnitFoldersOnly() {
        VerifyTarget shop = VerifyTarget.resolve("shop", SOURCES);
        assertThat(shop.holds("shop-backups/a/shop-2025-01-15T00-00-00.000Z.dump.gz")).isTrue();
        assertThat(shop.holds("shop-backups/b/shop-2025-01-15T00-00-00.000Z.dump.gz")).isTrue();
        assertThat(shop.holds("shop-backups/c/shop-2025-01-15T00-00-00.000Z.dump.gz")).isFalse();
        assertThat(shop.holds("shop-backups/a/deeper/shop-2025-01-15T00-00-00.000Z.dump.gz")).isFalse();
        assertThat(shop.holds("shop-backups/a/")).isFalse();
        assertThat(VerifyTarget.resolve("shop-backups/a", SOURCES).holds("shop-backups/b/x.gz")).isFalse();
    }
}
