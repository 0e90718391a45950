package io.offsite.replication.plan;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.regex.Pattern;

/**
 * Whether a target row already holds what a source row's COPY line would write, judged from the text PostgreSQL
 * prints for the target's values ({@code CAST(column AS text)}).
 *
 * <p>Equal text means equal values: a value's printed text read back by its type's input function is the value
 * itself (for floats, once {@code extra_float_digits} is above zero, as the engine sets it), so a line whose every field
 * equals the printed text would write what is there already. Text that differs proves nothing (a {@code numeric}
 * stored as {@code 1.50} and sent as {@code 1.5}): such rows are sent, and the upsert compares the values themselves.
 * One case is settled here: for {@code double precision} columns, a source number spelt otherwise ({@code 332.0}
 * against {@code 332}) is the same value when both texts read as the same double.
 */
public final class RowMatch {

    private RowMatch() {
    }

    /**
     * @param line the source row as {@link CopyText#row} wrote it
     * @param printed the target's values as PostgreSQL prints them (UTF-8), in the line's column order, {@code null}
     *        for NULL
     * @param float8 which columns are {@code double precision} in the target
     */
    public static boolean same(byte[] line, byte[][] printed, boolean[] float8) {
        int at = 0;
        for (int column = 0; column < printed.length; column++) {
            if (column > 0) {
                if (at >= line.length || line[at] != '\t') {
                    return false;
                }
                at++;
            }
            int end = matchField(line, at, printed[column]);
            if (end < 0) {
                end = CopyText.fieldEnd(line, at);
                if (!(float8[column] && printed[column] != null && sameDouble(line, at, end, printed[column]))) {
                    return false;
                }
            }
            at = end;
        }
        return at == line.length - 1 && line[at] == '\n';
    }

    /**
     * As {@link #same(byte[], byte[][], boolean[])}, with the target row as PostgreSQL's {@code COPY ... TO} printed it
     * (which also escapes {@code \b}, {@code \f} and {@code \v}, so a value holding those is taken as different).
     */
    public static boolean same(byte[] line, byte[] target, boolean[] float8) {
        if (Arrays.equals(line, target)) {
            return true;
        }
        int s = 0;
        int t = 0;
        for (int column = 0; column < float8.length; column++) {
            if (column > 0) {
                if (s >= line.length || t >= target.length || line[s] != '\t' || target[t] != '\t') {
                    return false;
                }
                s++;
                t++;
            }
            int sEnd = CopyText.fieldEnd(line, s);
            int tEnd = CopyText.fieldEnd(target, t);
            if (!Arrays.equals(line, s, sEnd, target, t, tEnd)
                    && !(float8[column] && sameDouble(line, s, sEnd, Arrays.copyOfRange(target, t, tEnd)))) {
                return false;
            }
            s = sEnd;
            t = tEnd;
        }
        return s == line.length - 1 && t == target.length - 1 && line[s] == '\n' && target[t] == '\n';
    }

    /**
     * Where the field starting at {@code from} ends when it is {@code value} as COPY text (escaped; {@code \N} for
     * NULL), compared in place; -1 when it is not.
     */
    private static int matchField(byte[] line, int from, byte[] value) {
        if (value == null) {
            return from + 2 <= line.length && line[from] == '\\' && line[from + 1] == 'N' && ends(line, from + 2) ? from + 2 : -1;
        }
        int at = from;
        for (byte b : value) {
            byte letter = CopyText.ESCAPE[b & 0xff];
            if (letter == 0) {
                if (at >= line.length || line[at] != b) {
                    return -1;
                }
                at++;
            } else {
                if (at + 1 >= line.length || line[at] != '\\' || line[at + 1] != letter) {
                    return -1;
                }
                at += 2;
            }
        }
        return ends(line, at) ? at : -1;
    }

    private static boolean ends(byte[] line, int at) {
        return at < line.length && (line[at] == '\t' || line[at] == '\n');
    }

    private static boolean sameDouble(byte[] line, int from, int to, byte[] printed) {
        Double x = number(line, from, to);
        Double y = number(printed, 0, printed.length);
        return x != null && y != null && Double.compare(x, y) == 0;
    }

    /** A decimal number as both sides spell them (Java's looser syntax, such as {@code 1d} or {@code 0x1p3}, is not). */
    private static final Pattern NUMBER = Pattern.compile("-?(\\d+\\.?\\d*|\\.\\d+)([eE][-+]?\\d+)?|NaN|-?Infinity");

    private static Double number(byte[] line, int from, int to) {
        String text = new String(line, from, to - from, StandardCharsets.ISO_8859_1);
        return NUMBER.matcher(text).matches() ? Double.valueOf(text) : null;
    }
}
