package io.offsite.backup.readback;

import java.io.IOException;
import java.io.InputStream;

/** A byte stream read one byte at a time with a few bytes of lookahead, through a fixed buffer. */
final class Lookahead {

    private final InputStream in;
    private final byte[] buffer = new byte[1 << 16];
    private int length;
    private int pos;

    Lookahead(InputStream in) {
        this.in = in;
    }

    /** The byte {@code ahead} places after the next one (0: the next one), unread; -1 at the end. */
    int peek(int ahead) throws IOException {
        while (pos + ahead >= length) {
            if (pos > 0) {
                System.arraycopy(buffer, pos, buffer, 0, length - pos);
                length -= pos;
                pos = 0;
            }
            int n = in.read(buffer, length, buffer.length - length);
            if (n < 0) {
                return -1;
            }
            length += n;
        }
        return buffer[pos + ahead] & 0xff;
    }

    /** Reads the next byte; -1 at the end. */
    int next() throws IOException {
        int c = peek(0);
        if (c >= 0) {
            pos++;
        }
        return c;
    }
}
