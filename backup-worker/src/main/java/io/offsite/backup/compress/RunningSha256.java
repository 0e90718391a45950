package io.offsite.backup.compress;

import io.offsite.worker.integrity.Sha256;
import java.security.MessageDigest;

/** Running SHA-256 and byte count shared by the hashing streams. */
final class RunningSha256 {

    private final MessageDigest digest = Sha256.newDigest();
    private long size;
    private ContentDigest result;

    void update(byte[] b, int off, int len) {
        checkOpen();
        digest.update(b, off, len);
        size += len;
    }

    void update(int b) {
        checkOpen();
        digest.update((byte) b);
        size++;
    }

    long size() {
        return size;
    }

    /** Completes the digest on first call; later updates are refused. */
    ContentDigest result() {
        if (result == null) {
            result = new ContentDigest(size, Sha256.hex(digest));
        }
        return result;
    }

    private void checkOpen() {
        if (result != null) {
            throw new IllegalStateException("digest already taken");
        }
    }
}
