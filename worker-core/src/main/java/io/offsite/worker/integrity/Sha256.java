package io.offsite.worker.integrity;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** SHA-256 as Offsite records it: lower-case hex, as {@code sha256sum} prints it. */
public final class Sha256 {

    private Sha256() {
    }

    public static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no SHA-256", e);
        }
    }

    public static String hex(MessageDigest digest) {
        return HexFormat.of().formatHex(digest.digest());
    }

    /** Size and SHA-256 of a stream read to its end. Stops with {@link InterruptedIOException} when interrupted. */
    public static Hashed of(InputStream in) throws IOException {
        MessageDigest digest = newDigest();
        byte[] buffer = new byte[1 << 20];
        long total = 0;
        int n;
        while ((n = in.read(buffer)) != -1) {
            if (Thread.currentThread().isInterrupted()) {
                throw new InterruptedIOException("hashing interrupted after " + total + " bytes");
            }
            digest.update(buffer, 0, n);
            total += n;
        }
        return new Hashed(total, hex(digest));
    }

    /** A byte count and its SHA-256. */
    public record Hashed(long bytes, String sha256) {
    }
}
