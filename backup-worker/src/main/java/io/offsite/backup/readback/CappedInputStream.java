package io.offsite.backup.readback;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Passes a decompressed snapshot through until it outgrows its limit, then stops with {@link TooLargeException}:
 * reads at most one byte past the limit, so a small object that inflates to terabytes is caught after {@code limit}
 * bytes, not when the disk is full.
 */
final class CappedInputStream extends FilterInputStream {

    private final long limit;
    private final String key;
    private final String limitReason;
    private long count;

    CappedInputStream(InputStream in, long limit, String key, String limitReason) {
        super(in);
        this.limit = limit;
        this.key = key;
        this.limitReason = limitReason;
    }

    @Override
    public int read() throws IOException {
        int b = super.read();
        if (b != -1) {
            counted(1);
        }
        return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        if (length == 0) {
            return 0;
        }
        // one byte past the limit is enough to know the snapshot is larger than it may be
        int n = super.read(buffer, offset, (int) Math.min(length, limit - count + 1));
        if (n > 0) {
            counted(n);
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        long skipped = super.skip(Math.min(n, limit - count + 1));
        counted(skipped);
        return skipped;
    }

    private void counted(long n) throws TooLargeException {
        count += n;
        if (count > limit) {
            throw new TooLargeException(key + " decompresses to more than " + limitReason + ": stopped after " + limit
                    + " bytes; the backup is damaged or not what its metadata says; use another backup");
        }
    }

    /** The snapshot outgrew its limit; an I/O failure of the decompressed stream, so the stored checksum is checked first. */
    static final class TooLargeException extends IOException {
        TooLargeException(String message) {
            super(message);
        }
    }
}
