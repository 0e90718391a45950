package io.offsite.backup.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.offsite.backup.compress.Compression;
import io.offsite.backup.crypt.AgeIdentity;
import io.offsite.backup.crypt.AgeRecipients;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Random;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The one pass: compressed, encrypted, hashed and stored, with everything after the compressor on its own thread. */
class BackupStreamTest {

    @TempDir
    Path dir;

    private final BackupStream stream = new BackupStream(Clock.systemUTC(), Duration.ofHours(1));

    @Test
    void anEncryptedGzipStreamOpensWithTheIdentityAndItsChecksumsAreOfWhatWasReadAndStored() throws Exception {
        Path key = dir.resolve("key.txt");
        AgeIdentity.createIfMissing(key, Clock.systemUTC());
        AgeIdentity identity = AgeIdentity.load(key);
        byte[] data = sample(3_000_000);
        ByteArrayOutputStream sink = new ByteArrayOutputStream();

        StreamResult result = stream.copy(new ByteArrayInputStream(data), data.length,
                out -> Compression.GZIP.compress(out, 6, 2), AgeRecipients.of(identity.recipients())::encrypt, sink, (d, e, r) -> { });

        byte[] stored = sink.toByteArray();
        assertThat(result.sourceBytes()).isEqualTo(data.length);
        assertThat(result.sourceSha256()).isEqualTo(sha256(data));
        assertThat(result.storedBytes()).isEqualTo(stored.length);
        assertThat(result.storedSha256()).isEqualTo(sha256(stored));
        try (InputStream in = new GZIPInputStream(identity.decrypt(new ByteArrayInputStream(stored)))) {
            assertThat(in.readAllBytes()).isEqualTo(data);
        }
        assertThat(stageThreads()).isZero();
    }

    @Test
    void aClearStreamIsTheCompressorsOutputUnchanged() throws Exception {
        byte[] data = sample(1_000_000);
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        StreamResult result = stream.copy(new ByteArrayInputStream(data), data.length,
                out -> Compression.ZSTD.compress(out, 3, 2), BackupStream.Encryptor.NONE, sink, (d, e, r) -> { });
        assertThat(result.storedSha256()).isEqualTo(sha256(sink.toByteArray()));
        try (InputStream in = new com.github.luben.zstd.ZstdInputStream(new ByteArrayInputStream(sink.toByteArray()))) {
            assertThat(in.readAllBytes()).isEqualTo(data);
        }
    }

    @Test
    void aStoreThatFailsMidwayFailsTheCopyWithItsOwnExceptionAndLeavesNoThread() throws Exception {
        IllegalStateException storeDown = new IllegalStateException("cannot upload part 3");
        OutputStream failing = new OutputStream() {
            long written;

            @Override
            public void write(int b) {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                written += len;
                if (written > 1_000_000) {
                    throw storeDown;
                }
            }
        };
        byte[] data = new byte[40_000_000]; // random: the compressed stream is as large, so the store fails midway
        new Random(3).nextBytes(data);
        assertThatThrownBy(() -> stream.copy(new ByteArrayInputStream(data), data.length,
                out -> Compression.GZIP.compress(out, 1, 2), BackupStream.Encryptor.NONE, failing, (d, e, r) -> { }))
                .isSameAs(storeDown);
        assertThat(stageThreads()).isZero();
    }

    /** Stage threads still running, after giving stopping ones a moment. */
    private static long stageThreads() throws InterruptedException {
        long count = 0;
        for (int i = 0; i < 50; i++) {
            count = Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith("backup-stream-")).count();
            if (count == 0) {
                return 0;
            }
            Thread.sleep(100);
        }
        return count;
    }

    private static byte[] sample(int size) {
        byte[] data = new byte[size];
        Random random = new Random(5);
        for (int i = 0; i < size; i++) {
            data[i] = (byte) ('a' + random.nextInt(6));
        }
        return data;
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}
