package io.offsite.worker.artifact;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class SeriesInventoryTest {

    static final String P = "backup-database/";

    @Test
    void sortsAListingIntoBackupsWithTheirSidecarsOrphansAndTheRest() {
        String a = P + "pokemon-data-2025-01-15T00-00-00.000Z.sqlite3.db.gz";
        String b = P + "pokemon-data-2025-01-14T00-00-00.000Z.sqlite3.db.gz";
        String gone = P + "pokemon-data-2025-01-01T00-00-00.000Z.sqlite3.db.gz";
        SeriesInventory inventory = SeriesInventory.of(P, List.of(
                new ListedObject(a + ".sha256", 90), new ListedObject(a, 1000), new ListedObject(b, 2000),
                new ListedObject(gone + ".sha256", 90), new ListedObject(P + "notes.txt.sha256", 5),
                new ListedObject(P + "README.md", 10), new ListedObject(P, 0),
                new ListedObject(P + "shop_a/shop-2025-01-15T00-00-00.000Z.dump", 10), new ListedObject("elsewhere/x", 1)));

        assertThat(inventory.backups()).containsExactly(
                new StoredBackup(a, Instant.parse("2025-01-15T00:00:00Z"), 1000, List.of(new ListedObject(a + ".sha256", 90))),
                new StoredBackup(b, Instant.parse("2025-01-14T00:00:00Z"), 2000, List.of()));
        assertThat(inventory.totalBytes()).isEqualTo(3090);
        assertThat(inventory.orphanSidecars()).containsExactly(new ListedObject(gone + ".sha256", 90));
        assertThat(inventory.ignored()).extracting(SeriesInventory.Ignored::key).containsExactlyInAnyOrder(
                P + "notes.txt.sha256", P + "README.md", P, P + "shop_a/shop-2025-01-15T00-00-00.000Z.dump", "elsewhere/x");
        assertThat(inventory.ignored()).extracting(SeriesInventory.Ignored::reason)
                .contains("in a sub-folder", "folder marker", "no backup timestamp in its name");
    }
}
