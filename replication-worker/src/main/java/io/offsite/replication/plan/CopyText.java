package io.offsite.replication.plan;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Encodes SQLite values as one line of PostgreSQL's COPY text format: tab-separated, {@code \N} for NULL,
 * backslash escapes for backslash, tab, newline and carriage return, {@code \\x<hex>} for blobs.
 */
public final class CopyText {

    /** For each byte value: the letter of its escape ({@code \\}, {@code \t}, {@code \n}, {@code \r}), or 0. */
    static final byte[] ESCAPE = new byte[256];

    static {
        ESCAPE['\\'] = '\\';
        ESCAPE['\t'] = 't';
        ESCAPE['\n'] = 'n';
        ESCAPE['\r'] = 'r';
    }

    private CopyText() {
    }

    /** One row as COPY text, terminated by a newline, in UTF-8. */
    public static byte[] row(Object[] values) {
        return row(values, values.length);
    }

    /** The first {@code count} values as one row of COPY text (further values are read along, not copied). */
    public static byte[] row(Object[] values, int count) {
        int capacity = count + 1;
        for (int i = 0; i < count; i++) {
            capacity += values[i] instanceof Utf8Text text ? text.bytes().length : 24;
        }
        Bytes out = new Bytes(capacity);
        for (int i = 0; i < count; i++) {
            if (i > 0) {
                out.add((byte) '\t');
            }
            append(out, values[i]);
        }
        out.add((byte) '\n');
        return out.toArray();
    }

    /**
     * One value as the text COPY hands to the column's input function (the field unescaped), {@code null} for NULL:
     * what a key is looked up by.
     */
    public static String text(Object value) {
        if (value == null) {
            return null;
        }
        if (value instanceof byte[] bytes) {
            return "\\x" + HexFormat.of().formatHex(bytes);
        }
        if (value instanceof Double d) {
            return d.isNaN() ? "NaN" : d.isInfinite() ? (d > 0 ? "Infinity" : "-Infinity") : d.toString();
        }
        return value.toString();
    }

    private static void append(Bytes out, Object value) {
        if (value == null) {
            out.ascii("\\N");
        } else if (value instanceof Utf8Text text) {
            escaped(out, text.bytes());
        } else if (value instanceof Long || value instanceof Integer || value instanceof Double) {
            out.ascii(text(value)); // digits, signs, letters: nothing to escape
        } else {
            escaped(out, text(value).getBytes(StandardCharsets.UTF_8)); // a blob's \x doubles its backslash here
        }
    }

    /**
     * Escapes per byte, copying the runs between reserved characters in bulk: the reserved characters are ASCII, and
     * UTF-8 never uses ASCII bytes inside a multi-byte character.
     */
    private static void escaped(Bytes out, byte[] bytes) {
        int run = 0;
        for (int i = 0; i < bytes.length; i++) {
            byte letter = ESCAPE[bytes[i] & 0xff];
            if (letter != 0) {
                out.add(bytes, run, i - run);
                out.add((byte) '\\').add(letter);
                run = i + 1;
            }
        }
        out.add(bytes, run, bytes.length - run);
    }

    /** Where the field of {@code line} starting at {@code from} ends: at the next tab or the line's end. */
    public static int fieldEnd(byte[] line, int from) {
        int i = from;
        while (i < line.length && line[i] != '\t' && line[i] != '\n') {
            i++;
        }
        return i;
    }

    /** Where the first {@code count} fields of {@code line} end (a row's key fields, which come first). */
    public static int fieldsEnd(byte[] line, int count) {
        int end = fieldEnd(line, 0);
        for (int field = 1; field < count && end < line.length && line[end] == '\t'; field++) {
            end = fieldEnd(line, end + 1);
        }
        return end;
    }

    /** A growable byte buffer. */
    private static final class Bytes {
        private byte[] buffer;
        private int size;

        Bytes(int capacity) {
            buffer = new byte[Math.max(16, capacity)];
        }

        Bytes add(byte b) {
            if (size == buffer.length) {
                buffer = java.util.Arrays.copyOf(buffer, buffer.length * 2);
            }
            buffer[size++] = b;
            return this;
        }

        void add(byte[] bytes, int from, int length) {
            if (size + length > buffer.length) {
                buffer = java.util.Arrays.copyOf(buffer, Math.max(buffer.length * 2, size + length));
            }
            System.arraycopy(bytes, from, buffer, size, length);
            size += length;
        }

        void ascii(String s) {
            for (int i = 0; i < s.length(); i++) {
                add((byte) s.charAt(i));
            }
        }

        byte[] toArray() {
            return size == buffer.length ? buffer : java.util.Arrays.copyOf(buffer, size);
        }
    }

    /**
     * The fields of one line this class wrote, unescaped, {@code null} for {@code \\N}: the text each column's input
     * function gets, as COPY would hand it over. Text that is no valid UTF-8 is refused rather than altered.
     */
    public static String[] fields(byte[] line) throws CharacterCodingException {
        int end = line.length > 0 && line[line.length - 1] == '\n' ? line.length - 1 : line.length;
        List<String> fields = new ArrayList<>();
        CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        byte[] field = new byte[end];
        int size = 0;
        boolean escapedNull = false;
        for (int i = 0; i <= end; i++) {
            if (i == end || line[i] == '\t') {
                fields.add(escapedNull && size == 0 ? null : utf8.decode(ByteBuffer.wrap(field, 0, size)).toString());
                size = 0;
                escapedNull = false;
            } else if (line[i] == '\\' && i + 1 < end) {
                byte next = line[++i];
                switch (next) {
                    case 't' -> field[size++] = '\t';
                    case 'n' -> field[size++] = '\n';
                    case 'r' -> field[size++] = '\r';
                    case 'N' -> escapedNull = true;
                    default -> field[size++] = next;
                }
            } else {
                field[size++] = line[i];
            }
        }
        return fields.toArray(String[]::new);
    }

    /** A short, printable form of a row's key for logs and reports, e.g. {@code id=set3-17}. */
    public static String describeKey(List<String> keyColumns, Object[] values) {
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
