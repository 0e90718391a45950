package io.offsite.replication.plan;

import java.nio.charset.StandardCharsets;

/**
 * Encodes SQLite values as one line of PostgreSQL's COPY text format: tab-separated, {@code \N} for NULL,
 * backslash escapes for backslash, tab, newline and carriage return, {@code \\x<hex>} for blobs.
 */
public final class CopyText {

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private CopyText() {
    }

    /** One row as COPY text, terminated by a newline, in UTF-8. */
    public static byte[] row(Object[] values) {
        StringBuilder sb = new StringBuilder(256);
        for (int i = 0; i < values.length; i++) {
            if (i > 0) {
                sb.append('\t');
            }
            append(sb, values[i]);
        }
        sb.append('\n');
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    static void append(StringBuilder sb, Object value) {
        if (value == null) {
            sb.append("\\N");
        } else if (value instanceof byte[] bytes) {
            sb.append("\\\\x");
            for (byte b : bytes) {
                sb.append(HEX[(b >> 4) & 0xf]).append(HEX[b & 0xf]);
            }
        } else if (value instanceof Double d) {
            sb.append(d.isNaN() ? "NaN" : d.isInfinite() ? (d > 0 ? "Infinity" : "-Infinity") : d.toString());
        } else {
            String s = value.toString();
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                switch (c) {
                    case '\\' -> sb.append("\\\\");
                    case '\t' -> sb.append("\\t");
                    case '\n' -> sb.append("\\n");
                    case '\r' -> sb.append("\\r");
                    default -> sb.append(c);
                }
            }
        }
    }

    /** A short, printable form of a row's key for logs and reports, e.g. {@code id=set3-17}. */
    public static String describeKey(java.util.List<String> keyColumns, Object[] values) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < keyColumns.size(); i++) {
            if (i > 0) {
                sb.append(", ");
            }
            String v = String.valueOf(values[i] instanceof byte[] b ? "<" + b.length + " bytes>" : values[i]);
            sb.append(keyColumns.get(i)).append('=').append(v.length() > 80 ? v.substring(0, 80) + "..." : v);
        }
        return sb.toString();
    }
}
