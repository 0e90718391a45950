package io.offsite.backup.config;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * The backup worker's settings: the sources it may back up (requests name one; never a path) and how.
 *
 * @param sources configured sources by name
 * @param tempDir where snapshots are written before they are streamed (checked for free space, always cleaned)
 * @param tempReserveBytes free space to leave on the temp folder's disk beyond the snapshot itself
 * @param verify {@code full} re-reads the stored object and checks size and SHA-256; {@code size} checks the size only
 * @param sidecar also store {@code <key>.sha256} in {@code sha256sum} format
 * @param progressInterval how often long backups log progress
 */
@Validated
@ConfigurationProperties("offsite.backup")
public record BackupProperties(
        @NotNull Map<String, @Valid Source> sources,
        Path tempDir,
        long tempReserveBytes,
        Verify verify,
        Boolean sidecar,
        Duration progressInterval) {

    public BackupProperties {
        sources = sources == null ? Map.of() : Map.copyOf(sources);
        tempDir = tempDir == null ? Path.of(System.getProperty("java.io.tmpdir")) : tempDir;
        tempReserveBytes = tempReserveBytes == 0 ? 64L * 1024 * 1024 : tempReserveBytes;
        verify = verify == null ? Verify.FULL : verify;
        sidecar = sidecar == null ? Boolean.TRUE : sidecar;
        progressInterval = progressInterval == null ? Duration.ofSeconds(5) : progressInterval;
    }

    public enum Verify { FULL, SIZE, NONE }

    public enum SourceType { SQLITE, POSTGRES }

    /**
     * One source.
     *
     * @param type sqlite or postgres
     * @param path the SQLite database file
     * @param series key prefix (folder) of this source's backups in the bucket; the rotation series of the same name
     * @param filePrefix first part of each backup's file name
     * @param fileSuffix extension of the snapshot before compression, e.g. {@code .sqlite3.db}
     * @param compression gzip (default), zstd or none
     * @param level compression level (gzip 1–9, zstd 1–19); 0 means the codec's default
     */
    public record Source(
            @NotNull SourceType type,
            Path path,
            @NotBlank String series,
            @NotBlank String filePrefix,
            String fileSuffix,
            String compression,
            @Min(0) @Max(22) int level) {

        public Source {
            fileSuffix = fileSuffix == null ? (type == SourceType.SQLITE ? ".sqlite3.db" : ".dump") : fileSuffix;
            compression = compression == null ? "gzip" : compression;
        }
    }
}
