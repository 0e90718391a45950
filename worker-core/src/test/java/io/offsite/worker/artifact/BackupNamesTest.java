package io.offsite.worker.artifact;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class BackupNamesTest {

    @ParameterizedTest
    @CsvSource({
            "2025-01-15T00:00:00Z, 2025-01-15T00:00:00Z",
            "2025-01-15T00:00:00.123Z, 2025-01-15T00:00:00.123Z",
            "2025-01-15T00:00:00.123456789Z, 2025-01-15T00:00:00.123456789Z",
            "2025-01-15T01:00:00+01:00, 2025-01-15T00:00:00Z",
            "' 2025-01-15T00:00:00Z ', 2025-01-15T00:00:00Z",
            "pokemon-data-2025-01-15T00-00-00.000Z.sqlite3.db.gz, 2025-01-15T00:00:00Z",
            "backup-database/pokemon-data-2025-01-15T13-45-30.250Z.sqlite3.db.gz, 2025-01-15T13:45:30.250Z",
            "shop-backups/shop_a/shop-2024-12-31T23-59-59Z.dump.zst, 2024-12-31T23:59:59Z",
            "2020-01-01T00-00-00.000Z/pokemon-data-2025-01-15T00-00-00.000Z.gz, 2025-01-15T00:00:00Z",
            "notes-2025-01-15T00:00:00Z.txt, 2025-01-15T00:00:00Z"})
    void readsTheInstant(String name, String expected) {
        assertThat(BackupNames.timestamp(name)).contains(Instant.parse(expected));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   ", "README.md", "pokemon-data.sqlite3.db.gz", "pokemon-data-2025-01-15.gz",
            "pokemon-data-2025-02-30T00-00-00.000Z.gz", "pokemon-data-2025-01-15T25-00-00.000Z.gz",
            "pokemon-data-2025-01-15T00-00:00.000Z.gz", "2025-01-15 00:00:00", "2025-01-15T00:00:00"})
    void findsNoInstantWhereThereIsNone(String name) {
        assertThat(BackupNames.timestamp(name)).isEmpty();
    }
}
