package io.offsite.replication.plan;

import io.offsite.worker.integrity.Sha256;
import java.math.BigInteger;
import java.security.MessageDigest;

/**
 * An order-independent digest of a set of rows (their COPY lines, which hold every copied value): the count and the
 * sum of the lines' SHA-256 digests modulo 2^256. Two runs that find the same rows, with the same values, at the
 * watermark get the same digest, in whatever order SQLite returned them.
 */
public final class BoundaryDigest {

    private static final BigInteger MODULUS = BigInteger.ONE.shiftLeft(256);

    private final MessageDigest sha256 = Sha256.newDigest();
    private BigInteger sum = BigInteger.ZERO;
    private long rows;

    public void add(byte[] line) {
        sum = sum.add(new BigInteger(1, sha256.digest(line))).mod(MODULUS);
        rows++;
    }

    /** {@code <rows>:<64 hex digits>}. */
    public String value() {
        return rows + ":" + String.format("%064x", sum);
    }
}
