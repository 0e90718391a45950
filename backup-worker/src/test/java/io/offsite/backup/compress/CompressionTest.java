package io.offsite.backup.compress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CompressionTest {

    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(Compression.class)
    void roundTripsThroughItsOwnDecompressor(Compression compression) throws Exception {
        for (int size : new int[] {0, 1, 1_000_003}) {
            byte[] input = SampleData.compressible(size, size);

            byte[] compressed = compress(CompressionSettings.defaults(compression), input);

            assertThat(decompress(compression, compressed)).as("%s of %d bytes", compression, size).isEqualTo(input);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 4})
    void zstdOutputIsReadByTheZstdCli(int threads) throws Exception {
        byte[] input = sqliteLike(3 * 1024 * 1024);

        byte[] zst = compress(new CompressionSettings(Compression.ZSTD, 3, threads), input);

        assertThat(cli(zst, "zstd", "-dc")).isEqualTo(input);
        assertThat(zst.length).isLessThan(input.length / 3);
    }

    @Test
    void gzipOutputIsReadByGunzip() throws Exception {
        byte[] input = sqliteLike(3 * 1024 * 1024);

        byte[] gz = compress(new CompressionSettings(Compression.GZIP, 6, 2), input);

        assertThat(cli(gz, "gunzip", "-c")).isEqualTo(input);
    }

    @Test
    void zstdLevelChangesTheOutput() throws Exception {
        byte[] input = sqliteLike(2 * 1024 * 1024);

        byte[] fast = compress(new CompressionSettings(Compression.ZSTD, 1, 2), input);
        byte[] strong = compress(new CompressionSettings(Compression.ZSTD, 12, 2), input);

        assertThat(strong.length).isLessThan(fast.length);
        assertThat(cli(strong, "zstd", "-dc")).isEqualTo(input);
    }

    @Test
    void noneStoresTheBytesAsTheyAre() throws Exception {
        byte[] input = SampleData.random(10_000, 1);

        assertThat(compress(CompressionSettings.defaults(Compression.NONE), input)).isEqualTo(input);
    }

    @Test
    void namesExtensionsAndDefaults() {
        assertThat(Compression.defaultCompression()).isEqualTo(Compression.GZIP);
        assertThat(Compression.GZIP.extension()).isEqualTo(".gz");
        assertThat(Compression.ZSTD.extension()).isEqualTo(".zst");
        assertThat(Compression.NONE.extension()).isEmpty();
        assertThat(Compression.GZIP.defaultLevel()).isEqualTo(6);
        assertThat(Compression.ZSTD.defaultLevel()).isEqualTo(3);
        assertThat(Compression.fromId(" ZSTD ")).isEqualTo(Compression.ZSTD);
        assertThat(Compression.fromId("none")).isEqualTo(Compression.NONE);
        assertThat(Compression.GZIP.id()).isEqualTo("gzip");
        assertThatThrownBy(() -> Compression.fromId("bzip2"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("gzip, zstd, none");
        assertThat(CompressionSettings.defaults())
                .isEqualTo(new CompressionSettings(Compression.GZIP, 6, Runtime.getRuntime().availableProcessors()));
    }

    @Test
    void rejectsLevelsAndThreadCountsOutOfRange() {
        assertThatThrownBy(() -> new CompressionSettings(Compression.GZIP, 10, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("between 1 and 9");
        assertThatThrownBy(() -> new CompressionSettings(Compression.ZSTD, 20, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("between 1 and 19");
        assertThatThrownBy(() -> new CompressionSettings(Compression.NONE, 1, 1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new CompressionSettings(Compression.GZIP, 6, 0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Compression.ZSTD.compress(new ByteArrayOutputStream(), 0, 2))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest
    @EnumSource(Compression.class)
    void anInterruptedWriterGetsInterruptedIOException(Compression compression) throws Exception {
        OutputStream compressor = CompressionSettings.defaults(compression).compress(OutputStream.nullOutputStream());
        byte[] chunk = SampleData.random(256 * 1024, 2);
        try {
            compressor.write(chunk);
            Thread.currentThread().interrupt();
            assertThatThrownBy(() -> {
                for (int i = 0; i < 100; i++) {
                    compressor.write(chunk);
                }
            }).isInstanceOf(InterruptedIOException.class);
            assertThat(Thread.currentThread().isInterrupted()).as("interrupt status kept").isTrue();
        } finally {
            Thread.interrupted();
            compressor.close();
        }
    }

    private static byte[] compress(CompressionSettings settings, byte[] input) throws IOException {
        var out = new ByteArrayOutputStream();
        try (OutputStream compressor = settings.compress(out)) {
            for (int off = 0; off < input.length; off += 65_521) {
                compressor.write(input, off, Math.min(65_521, input.length - off));
            }
        }
        return out.toByteArray();
    }

    private static byte[] decompress(Compression compression, byte[] compressed) throws IOException {
        try (var in = compression.decompress(new ByteArrayInputStream(compressed))) {
            return in.readAllBytes();
        }
    }

    private static byte[] sqliteLike(int size) throws IOException {
        var out = new ByteArrayOutputStream(size);
        SampleData.writeSqliteLike(out, size, 42);
        return out.toByteArray();
    }

    private byte[] cli(byte[] input, String... command) throws Exception {
        Path file = Files.write(Files.createTempFile(dir, "input", ".bin"), input);
        try {
            return Cli.run(dir, file, command);
        } finally {
            Files.delete(file);
        }
    }
}
