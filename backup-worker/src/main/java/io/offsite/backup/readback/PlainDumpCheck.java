package io.offsite.backup.readback;

import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Refuses a plain SQL dump that would make {@code psql} do anything on the machine that runs it. A psql script can
 * hold meta-commands ({@code \!} runs a shell command, {@code \o |cmd} and {@code \copy ... program} run programs,
 * {@code \i} reads local files, arguments in backquotes are shell commands); pg_dump writes none of them, except the
 * restrict and unrestrict lines (a backslash, the word, a key) of PostgreSQL 13.22/14.19/15.14/16.10/17.6 and later, which
 * are allowed as whole lines. Anyone able to write to the bucket could plant a dump with a SHA-256 to match, so the
 * dump is read the way psql reads it ({@link PsqlLexer}) and any other backslash outside COPY data makes it a defect.
 *
 * <p>This class is the policy: what the lexer meets is allowed or refused here. Whatever psql versions may read
 * differently (a NUL byte, numbers glued to words, a dump changing {@code standard_conforming_strings} or switching to
 * a client encoding whose characters can hide a backslash) is refused too.
 */
public final class PlainDumpCheck {

    /** The meta-command lines pg_dump writes (PostgreSQL 15.14 and later; 17.6 and later). */
    private static final Pattern ALLOWED_META = Pattern.compile("\\\\(restrict|unrestrict) [A-Za-z0-9]{1,128}\r?");
    private static final Pattern SET_STD_STRINGS = Pattern.compile("SET standard_conforming_strings = on;\r?");
    private static final Pattern SET_ENCODING = Pattern.compile("SET client_encoding = '([A-Za-z0-9_-]{1,32})';\r?");
    /** Client encodings whose multi-byte characters may contain the byte of a backslash or a quote. */
    private static final Set<String> UNSAFE_ENCODINGS = Set.of("SJIS", "SHIFTJIS", "SHIFTJIS2004", "MSKANJI", "WIN932", "WINDOWS932",
            "BIG5", "WIN950", "WINDOWS950", "GBK", "WIN936", "WINDOWS936", "CP936", "UHC", "WIN949", "WINDOWS949", "GB18030", "JOHAB");
    private static final String[] SETTINGS = {"standard_conforming_strings", "client_encoding"};

    /** The last characters read outside table data, lower case, to spot settings that change how psql reads. */
    private final char[] recent = new char[32];
    private int recentEnd;
    private boolean mentionsSetting;

    private PlainDumpCheck() {
    }

    /** Reads the whole dump; throws {@link BackupDefectException} saying what psql would have done on this machine. */
    public static void check(InputStream dump) throws IOException {
        new PsqlLexer(dump, new PlainDumpCheck()).run();
    }

    BackupDefectException nulByte(long line) {
        return defect("a NUL byte, which psql would cut the line at", line);
    }

    BackupDefectException textAfterCopy(long line) {
        return defect("text after 'COPY ... FROM stdin;' on the same line, which psql would run after the data", line);
    }

    BackupDefectException copyTooLong(long line) {
        return defect("a COPY statement too long to check", line);
    }

    BackupDefectException gluedNumber(String text, long line) {
        // psql versions read a number glued to a word differently (1e5 is a number everywhere)
        return defect("a number glued to a word or a $ ('" + text + "'), which psql versions split differently", line);
    }

    BackupDefectException variableReference(int firstChar, long line) {
        // psql replaces :name by the value of its variable, and reads that value again as SQL
        return defect("a psql variable reference (':" + printable(firstChar).replace("'", "") + "...')", line);
    }

    /**
     * A backslash outside quotes, {@code rest} the line from it on: true when it is a meta-command line pg_dump writes,
     * read between statements (elsewhere psql's state around it is not worth guessing), which is then skipped.
     */
    boolean metaCommand(String rest, boolean betweenStatements, long line) {
        if (betweenStatements && ALLOWED_META.matcher(rest).matches()) {
            return true;
        }
        throw defect("the psql meta-command " + printable(rest.length() > 40 ? rest.substring(0, 40) + "..." : rest)
                + " (a plain dump from pg_dump holds none; psql would run it on the restoring machine)", line);
    }

    /**
     * A backslash in table data followed by {@code escaped}: true for what COPY TO writes ({@code \\ \b \f \n \r \t \v
     * \N}, the escaped character belongs to the data), false for the {@code \.} that ends the data at the start of a line.
     */
    boolean copyEscape(int escaped, boolean atLineStart, long line) {
        if (escaped == '\\' || escaped == 'b' || escaped == 'f' || escaped == 'n' || escaped == 'r' || escaped == 't'
                || escaped == 'v' || escaped == 'N') {
            return true;
        }
        if (escaped == '.' && atLineStart) {
            return false;
        }
        throw defect("a backslash sequence COPY never writes in table data (\\" + printable(escaped) + ")", line);
    }

    /** Notes a setting that changes how psql reads quotes or bytes, mentioned anywhere on the line (even past what is kept of it). */
    void remember(int c) {
        recent[recentEnd++ & 31] = (char) Character.toLowerCase(c);
        if (c != 's' && c != 'S' && c != 'g' && c != 'G') {
            return;
        }
        for (String setting : SETTINGS) {
            boolean found = true;
            for (int i = 0; i < setting.length() && found; i++) {
                found = recent[(recentEnd - setting.length() + i) & 31] == setting.charAt(i);
            }
            mentionsSetting |= found && recentEnd >= setting.length();
        }
    }

    /** At the end of a line outside table data ({@code text}: what was kept of it): a line naming a setting must set it harmlessly. */
    void settingLine(String text, boolean lineTooLong, long line) {
        if (!mentionsSetting) {
            return;
        }
        mentionsSetting = false;
        String lower = text.toLowerCase(Locale.ROOT);
        if (lineTooLong) {
            throw defect("a line too long to check that mentions standard_conforming_strings or client_encoding", line);
        }
        if (lower.contains("standard_conforming_strings") && !SET_STD_STRINGS.matcher(text).matches()) {
            throw defect("a change of standard_conforming_strings, which changes how psql reads quotes", line);
        }
        if (lower.contains("client_encoding")) {
            var m = SET_ENCODING.matcher(text);
            if (!m.matches() || UNSAFE_ENCODINGS.contains(m.group(1).toUpperCase(Locale.ROOT).replace("_", "").replace("-", ""))) {
                throw defect("a client encoding psql cannot be checked in (" + printable(text.length() > 60 ? text.substring(0, 60) : text) + ")", line);
            }
        }
    }

    private static String printable(int c) {
        return c < 0 ? "end of file" : printable(String.valueOf((char) c));
    }

    private static String printable(String text) {
        StringBuilder out = new StringBuilder("'");
        text.chars().forEach(c -> out.append(c < 0x20 || c == 0x7f ? String.format("\\x%02x", c) : String.valueOf((char) c)));
        return out.append("'").toString();
    }

    private static BackupDefectException defect(String what, long line) {
        return new BackupDefectException("the SQL dump holds " + what + " on line " + line
                + ": it was not written by pg_dump alone (a dump planted in the bucket?); nothing was run; use another backup");
    }
}
