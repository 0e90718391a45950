package io.offsite.backup.compress;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Size and SHA-256 of a byte sequence.
 *
 * @param size   number of bytes
 * @param sha256 lower-case hex SHA-256, 64 characters, as {@code sha256sum} prints it
 */
public record ContentDigest(long size, String sha256) {

    private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-f]{64}");

    public ContentDigest {
        if (size < 0) {
            throw new IllegalArgumentException("size must not be negative, got " + size);
        }
        Objects.requireNonNull(sha256, "sha256");
        if (!SHA256_HEX.matcher(sha256).matches()) {
            throw new IllegalArgumentException("sha256 must be 64 lower-case hex digits, got '" + sha256 + "'");
        }
    }
}
