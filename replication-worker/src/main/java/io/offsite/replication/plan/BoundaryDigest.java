package io.offsite.replication.plan;

import java.math.BigInteger;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * An order-independent digest of a set of rows (their COPY lines, which hold every copied value): the count and the
 * sum of the lines' SHA-256 digests modulo 2^256. Two runs that find the same rows, with the same values, at the
 * watermark get the same digest, in whatever order SQLite returned them.
 */
public final class BoundaryDigest {

    private static final BigInteger MODULUS = BigInteger.ONE.shiftLeft(256);

    private final MessageDigest sha256;
    private BigInteger sum = BigInteger.ZERO;
    private long rows;

    public BoundaryDigest() {
        try {
            sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }

    public void add(byte[] line) {
        sum = sum.add(new BigInteger(1, sha256.digest(line))).mod(MODULUS);
        rows++;
    }

    /** {@code <rows>:<64 hex digits>}. */
    public String value() {
        return rows + ":" + String.format("%064x", sum);
    }
}
