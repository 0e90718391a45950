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
        Object[] values = new Object[printed.length];
        for (int i = 0; i < printed.length; i++) {
            values[i] = printed[i] == null ? null : new Utf8Text(printed[i]);
        }
        byte[] target = CopyText.row(values);
        if (Arrays.equals(line, target)) {
            return true;
        }
        boolean anyFloat = false;
        for (boolean f : float8) {
            anyFloat |= f;
        }
        return anyFloat && sameFieldByField(line, target, float8);
    }

    private static boolean sameFieldByField(byte[] line, byte[] target, boolean[] float8) {
        int s = 0;
        int t = 0;
        for (int column = 0; column < float8.length; column++) {
            int sEnd = fieldEnd(line, s);
            int tEnd = fieldEnd(target, t);
            if (!Arrays.equals(line, s, sEnd, target, t, tEnd) && !(float8[column] && sameDouble(line, s, sEnd, target, t, tEnd))) {
                return false;
            }
            s = sEnd + 1;
            t = tEnd + 1;
        }
        return s >= line.length && t >= target.length;
    }

    /** Where the field starting at {@code from} ends: the next tab or the line's end (escaped tabs are {@code \t}). */
    private static int fieldEnd(byte[] line, int from) {
        int i = from;
        while (i < line.length && line[i] != '\t' && line[i] != '\n') {
            i++;
        }
        return i;
    }

    private static boolean sameDouble(byte[] a, int aFrom, int aTo, byte[] b, int bFrom, int bTo) {
        Double x = number(a, aFrom, aTo);
        Double y = number(b, bFrom, bTo);
        return x != null && y != null && Double.compare(x, y) == 0;
    }

    /** A decimal number as both sides spell them (Java's looser syntax, such as {@code 1d} or {@code 0x1p3}, is not). */
    private static final Pattern NUMBER = Pattern.compile("-?(\\d+\\.?\\d*|\\.\\d+)([eE][-+]?\\d+)?|NaN|-?Infinity");

    private static Double number(byte[] line, int from, int to) {
        String text = new String(line, from, to - from, StandardCharsets.ISO_8859_1);
        return NUMBER.matcher(text).matches() ? Double.valueOf(text) : null;
    }
}
