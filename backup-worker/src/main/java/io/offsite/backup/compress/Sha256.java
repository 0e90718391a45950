package io.offsite.backup.compress;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Running SHA-256 and byte count shared by the hashing streams. */
final class Sha256 {

    private final MessageDigest digest = newDigest();
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
            result = new ContentDigest(size, HexFormat.of().formatHex(digest.digest()));
        }
        return result;
    }

    private void checkOpen() {
        if (result != null) {
            throw new IllegalStateException("digest already taken");
        }
    }

    private static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform provides SHA-256", e);
        }
    }
}
