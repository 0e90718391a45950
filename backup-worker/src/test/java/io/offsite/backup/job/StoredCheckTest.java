package io.offsite.backup.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.offsite.backup.config.BackupProperties.Verify;
import io.offsite.worker.integrity.Sha256;
import io.offsite.worker.storage.StoredObject;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class StoredCheckTest {

    static final byte[] SENT = "the compressed backup".getBytes(StandardCharsets.UTF_8);
    static final byte[] OTHER = "the compressed backuq".getBytes(StandardCharsets.UTF_8);

    final AtomicInteger rereads = new AtomicInteger();

    static String md5(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(bytes));
    }

    static StoredCheck.Sent sent() throws Exception {
        return new StoredCheck.Sent(SENT.length, md5(SENT), Sha256.of(new ByteArrayInputStream(SENT)).sha256());
    }

    static StoredObject stored(long size, String etag) {
        return new StoredObject("k", size, Instant.EPOCH, etag, Map.of());
    }

    StoredCheck.Reread holding(byte[] content) {
        return () -> {
            rereads.incrementAndGet();
            return Sha256.of(new ByteArrayInputStream(content));
        };
    }

    StoredCheck.Result check(Verify mode, StoredObject stored, byte[] heldByStore) throws Exception {
        return StoredCheck.check(mode, stored, sent(), holding(heldByStore));
    }

    @Test
    void checksumModeTrustsTheStoresMd5WithoutReadingBack() throws Exception {
        StoredCheck.Result result = check(Verify.CHECKSUM, stored(SENT.length, "\"" + md5(SENT) + "\""), SENT);

        assertThat(result.passed()).isTrue();
        assertThat(result.how()).isEqualTo("size and the store's MD5");
        assertThat(rereads).hasValue(0);
    }

    @Test
    void checksumModeFailsWhenTheStoreHoldsOtherBytes() throws Exception {
        StoredCheck.Result result = check(Verify.CHECKSUM, stored(SENT.length, md5(OTHER)), OTHER);

        assertThat(result.passed()).isFalse();
        assertThat(result.problem()).hasValueSatisfying(p -> assertThat(p).startsWith("re-read " + OTHER.length + " bytes"));
        assertThat(rereads).as("a differing ETag is confirmed by reading the object").hasValue(1);
    }

    @Test
    void anEtagThatLooksLikeAnMd5ButIsNoneIsSettledByReadingBack() throws Exception {
        // SSE-KMS: 32 hex digits that are not the content's MD5
        StoredCheck.Result result = check(Verify.CHECKSUM, stored(SENT.length, "0123456789abcdef0123456789abcdef"), SENT);

        assertThat(result.passed()).isTrue();
        assertThat(result.how()).isEqualTo("re-read, size and SHA-256");
        assertThat(rereads).hasValue(1);
    }

    @Test
    void checksumModeReadsBackWhenTheEtagIsNoMd5() throws Exception {
        StoredObject multipart = stored(SENT.length, "\"" + md5(SENT) + "-3\"");

        assertThat(check(Verify.CHECKSUM, multipart, SENT).passed()).isTrue();
        assertThat(check(Verify.CHECKSUM, multipart, OTHER).problem()).hasValueSatisfying(p -> assertThat(p).startsWith("re-read"));
        assertThat(check(Verify.CHECKSUM, stored(SENT.length, null), SENT).how()).isEqualTo("re-read, size and SHA-256");
        assertThat(rereads).hasValue(3);
    }

    @Test
    void fullModeAlwaysReadsBack() throws Exception {
        assertThat(check(Verify.FULL, stored(SENT.length, md5(SENT)), SENT).passed()).isTrue();
        assertThat(check(Verify.FULL, stored(SENT.length, md5(SENT)), OTHER).passed()).as("a matching ETag does not spare the re-read").isFalse();
        assertThat(rereads).hasValue(2);
    }

    @Test
    void aWrongSizeFailsInEveryModeButNone() throws Exception {
        for (Verify mode : new Verify[] {Verify.SIZE, Verify.CHECKSUM, Verify.FULL}) {
            assertThat(check(mode, stored(SENT.length - 1, md5(SENT)), SENT).problem()).as("%s", mode)
                    .hasValueSatisfying(p -> assertThat(p).contains("differs from the " + SENT.length + " bytes written"));
        }
        assertThat(check(Verify.SIZE, stored(SENT.length, md5(OTHER)), OTHER).passed()).isTrue();
        assertThat(check(Verify.NONE, stored(0, null), OTHER).passed()).isTrue();
        assertThat(rereads).hasValue(0);
    }
}
