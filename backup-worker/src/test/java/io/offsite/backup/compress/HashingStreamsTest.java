package io.offsite.backup.compress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HashingStreamsTest {

    private static final String EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    @TempDir
    Path dir;

    @Test
    void outputStreamMatchesSha256sum() throws Exception {
        byte[] input = SampleData.random(3 * 1024 * 1024 + 5, 8);
        var out = new ByteArrayOutputStream();

        var hashing = new HashingOutputStream(out);
        try (hashing) {
            hashing.write(input, 0, 1000);
            hashing.write(input[1000]);
            hashing.write(input, 1001, input.length - 1001);
        }

        assertThat(out.toByteArray()).isEqualTo(input);
        assertThat(hashing.digest()).isEqualTo(new ContentDigest(input.length, sha256sum(input)));
    }

    @Test
    void inputStreamMatchesSha256sum() throws Exception {
        byte[] input = SampleData.compressible(1024 * 1024 + 3, 8);

        var hashing = new HashingInputStream(new ByteArrayInputStream(input));
        try (hashing) {
            assertThat(hashing.read()).isEqualTo(input[0] & 0xff);
            assertThat(hashing.skip(10)).isEqualTo(10);
            hashing.readAllBytes();
        }

        assertThat(hashing.digest()).isEqualTo(new ContentDigest(input.length, sha256sum(input)));
    }

    @Test
    void hashesBothSidesOfACompressorInOnePass() throws Exception {
        byte[] input = SampleData.compressible(2 * 1024 * 1024, 4);
        var sink = new ByteArrayOutputStream();

        var compressed = new HashingOutputStream(sink);
        HashingOutputStream source;
        try (OutputStream compressor = new CompressionSettings(Compression.GZIP, 6, 2).compress(compressed)) {
            source = new HashingOutputStream(compressor);
            source.write(input);
        }

        assertThat(source.digest()).isEqualTo(new ContentDigest(input.length, sha256sum(input)));
        assertThat(compressed.digest()).isEqualTo(new ContentDigest(sink.size(), sha256sum(sink.toByteArray())));
    }

    @Test
    void emptyInputHasTheWellKnownDigest() {
        var hashing = new HashingOutputStream(OutputStream.nullOutputStream());

        assertThat(hashing.digest()).isEqualTo(new ContentDigest(0, EMPTY_SHA256));
        assertThat(hashing.digest()).as("repeatable").isEqualTo(new ContentDigest(0, EMPTY_SHA256));
        assertThatThrownBy(() -> hashing.write(1)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void contentDigestChecksItsValues() {
        assertThatThrownBy(() -> new ContentDigest(-1, EMPTY_SHA256)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ContentDigest(0, EMPTY_SHA256.toUpperCase()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ContentDigest(0, "abc")).isInstanceOf(IllegalArgumentException.class);
    }

    private String sha256sum(byte[] input) throws Exception {
        Path file = Files.write(Files.createTempFile(dir, "input", ".bin"), input);
        try {
            String line = new String(Cli.run(dir, file, "sha256sum"), StandardCharsets.US_ASCII);
            return line.substring(0, line.indexOf(' '));
        } finally {
            Files.delete(file);
        }
    }
}
