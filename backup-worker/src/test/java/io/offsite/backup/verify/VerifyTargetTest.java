package io.offsite.backup.verify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.offsite.backup.config.BackupProperties.Source;
import io.offsite.backup.config.BackupProperties.SourceType;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class VerifyTargetTest {

    static final Map<String, Source> SOURCES = Map.of(
            "pokemon-data", new Source(SourceType.SQLITE, Path.of("x.db"), "backup-database", "pokemon-data", null, null, 0, null, null, null, null, null, null, null),
            "shop", new Source(SourceType.POSTGRES, null, "shop-backups", "shop", null, null, 0, List.of("a", "b"), null, null, null, null, null, null));

    @Test
    void sourceNameSeriesOrSubSeriesResolveToTheirSource() {
        assertThat(VerifyTarget.resolve("pokemon-data", SOURCES)).isEqualTo(new VerifyTarget("backup-database", Optional.of("pokemon-data")));
        assertThat(VerifyTarget.resolve("backup-database/", SOURCES)).isEqualTo(new VerifyTarget("backup-database", Optional.of("pokemon-data")));
        assertThat(VerifyTarget.resolve("shop-backups/a", SOURCES)).isEqualTo(new VerifyTarget("shop-backups/a", Optional.of("shop")));
    }

    @Test
    void anyOtherNameIsAKeyPrefix() {
        assertThat(VerifyTarget.resolve("archive/2024", SOURCES)).isEqualTo(new VerifyTarget("archive/2024", Optional.empty()));
    }

    @Test
    void pathTricksAreRefused() {
        for (String bad : new String[] {"", "/", "/etc", "a/../b", "_incoming"}) {
            assertThatThrownBy(() -> VerifyTarget.resolve(bad, SOURCES)).hasMessageContaining("configured series");
        }
    }
}
