package io.offsite.replication.plan;

import java.nio.charset.StandardCharsets;

/**
 * A text value as SQLite stores it (UTF-8 bytes), read without decoding: it travels into COPY as is, escaped.
 * {@link #toString()} decodes it, for keys in reports.
 */
public record Utf8Text(byte[] bytes) {

    @Override
    public String toString() {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
