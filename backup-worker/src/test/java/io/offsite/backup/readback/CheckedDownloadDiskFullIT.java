package io.offsite.backup.readback;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.offsite.backup.support.StoredObjects;
import io.offsite.backup.support.Tmpfs;
import io.offsite.backup.support.WorkerInfrastructure;
import io.offsite.worker.storage.ObjectStore;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A backup decompressed onto a disk that fills up (a real 8 MB tmpfs; skipped where mounting is not permitted) from the
 * real S3 API: the disk is reported full, with its free bytes, never the backup as damaged.
 */
class CheckedDownloadDiskFullIT {

    @TempDir
    Path dir;

    @Test
    void aDiskThatFillsUpWhileDecompressingIsNoDefectOfTheBackup() throws Exception {
        String key = "disk-full/" + UUID.randomUUID() + ".sqlite3.db.gz";
        long inflated = 20L * 1024 * 1024;
        List<String> lines = new ArrayList<>();
        try (Tmpfs disk = Tmpfs.mount(dir.resolve("small-disk"), 8); ObjectStore store = WorkerInfrastructure.objectStore()) {
            StoredObjects.putGzipBomb(store, key, inflated, Map.of("source-bytes", Long.toString(inflated)));
            CheckedDownload download = new CheckedDownload(store, (format, args) -> lines.add(format));
            Path destination = disk.path().resolve("verify-1.tmp");

            assertThatThrownBy(() -> download.fetch(store.head(key).orElseThrow(), destination))
                    .isInstanceOfSatisfying(TempSpace.InsufficientSpaceException.class, e -> assertThat(e.getMessage())
                            .contains("the disk of " + disk.path() + " filled up while decompressing into verify-1.tmp")
                            .containsPattern("\\(\\d+ bytes\\) free there"))
                    .isNotInstanceOf(BackupDefectException.class);
            assertThat(destination).as("the partial file is removed").doesNotExist();
        }
    }
}
