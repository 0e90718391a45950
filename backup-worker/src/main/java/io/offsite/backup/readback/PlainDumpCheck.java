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
 * dump is read the way psql reads it and any other backslash outside COPY data makes it a defect.
 *
 * <p>The reading follows psql's lexer: quoted strings ({@code '...'}, {@code E'...'}, {@code "..."}), dollar quoting,
 * comments, parentheses and the {@code BEGIN ... END} bodies of SQL functions decide where a statement ends, and only a
 * {@code COPY ... FROM stdin;} statement that ends its line starts data, which ends at a line {@code \.}. Whatever
 * psql versions may read differently (a NUL byte, numbers glued to words, a dump changing
 * {@code standard_conforming_strings} or switching to a client encoding whose characters can hide a backslash) is
 * refused too. One pass, streaming, in bounded memory.
 */
public final class PlainDumpCheck {

    /** The meta-command lines pg_dump writes (PostgreSQL 15.14 and later; 17.6 and later). */
    private static final Pattern ALLOWED_META = Pattern.compile("\\\\(restrict|unrestrict) [A-Za-z0-9]{1,128}\r?");
    private static final Pattern SET_STD_STRINGS = Pattern.compile("SET standard_conforming_strings = on;\r?");
    private static final Pattern SET_ENCODING = Pattern.compile("SET client_encoding = '([A-Za-z0-9_-]{1,32})';\r?");
    /** Client encodings whose multi-byte characters may contain the byte of a backslash or a quote. */
    private static final Set<String> UNSAFE_ENCODINGS = Set.of("SJIS", "SHIFTJIS", "SHIFTJIS2004", "MSKANJI", "WIN932", "WINDOWS932",
            "BIG5", "WIN950", "WINDOWS950", "GBK", "WIN936", "WINDOWS936", "CP936", "UHC", "WIN949", "WINDOWS949", "GB18030", "JOHAB");
    /** The longest statement start kept to recognise COPY (a COPY with a very long column list is refused). */
    private static final int MAX_COPY_STATEMENT = 1 << 20;
    /** The longest line kept to check the few lines that are checked whole. */
    private static final int MAX_KEPT_LINE = 512;
    private static final Pattern COPY_FROM_STDIN = Pattern.compile("(?is)COPY\\b.*\\bFROM\\s+STDIN\\b.*");
    private static final String[] SETTINGS = {"standard_conforming_strings", "client_encoding"};

    private enum State { NORMAL, SQUOTE, ESTRING, DQUOTE, DOLLAR, LINE_COMMENT, BLOCK_COMMENT, COPY_DATA }

    private final InputStream in;
    private final byte[] buffer = new byte[1 << 16];
    private int length;
    private int pos;

    private State state = State.NORMAL;
    private long line = 1;
    private final StringBuilder lineStart = new StringBuilder();
    private boolean lineTooLong;
    private int blockDepth;
    private String dollarTag;
    private int parenDepth;
    private int beginDepth;
    private int identifierCount;
    private final char[] identifiers = new char[4];
    /** The statement's text outside quotes and comments, while it may be a COPY. */
    private final StringBuilder statement = new StringBuilder();
    private boolean statementMayBeCopy = true;
    /** Whether the statement being read has begun (anything but blanks and comments since the last one ended). */
    private boolean statementStarted;
    private boolean firstWordSeen;
    private boolean copyTooLong;
    /** The last characters read outside table data, lower case, to spot settings that change how psql reads. */
    private final char[] recent = new char[32];
    private int recentEnd;
    private boolean mentionsSetting;
    private boolean copyPending;
    /** Kind of the token being read in NORMAL text: 0 none, 'i' identifier, 'n' number. */
    private char token;
    private final StringBuilder word = new StringBuilder();

    private PlainDumpCheck(InputStream in) {
        this.in = in;
    }

    /** Reads the whole dump; throws {@link BackupDefectException} saying what psql would have done on this machine. */
    public static void check(InputStream dump) throws IOException {
        new PlainDumpCheck(dump).run();
    }

    private int peek(int ahead) throws IOException {
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

    private int next() throws IOException {
        int c = peek(0);
        if (c >= 0) {
            pos++;
        }
        return c;
    }

    private void run() throws IOException {
        int c;
        while ((c = next()) >= 0) {
            if (c == 0) {
                throw defect("a NUL byte, which psql would cut the line at");
            }
            if (c == '\n') {
                endOfLine();
                continue;
            }
            if (copyPending && !(c == ' ' || c == '\t' || c == '\r')) {
                throw defect("text after 'COPY ... FROM stdin;' on the same line, which psql would run after the data");
            }
            if (state != State.COPY_DATA) {
                remember(c);
            }
            if (lineStart.length() < MAX_KEPT_LINE) {
                lineStart.append((char) c);
            } else {
                lineTooLong = true;
            }
            switch (state) {
                case NORMAL -> normal(c);
                case SQUOTE -> {
                    if (c == '\'') {
                        closeOrDoubleQuote('\'');
                    }
                }
                case ESTRING -> {
                    if (c == '\\') {
                        int escaped = next();
                        if (escaped == '\n') {
                            endOfLine();
                        } else if (escaped == 0) {
                            throw defect("a NUL byte, which psql would cut the line at");
                        } else if (escaped >= 0) {
                            lineStart.append((char) escaped);
                        }
                    } else if (c == '\'') {
                        closeOrDoubleQuote('\'');
                    }
                }
                case DQUOTE -> {
                    if (c == '"') {
                        closeOrDoubleQuote('"');
                    }
                }
                case DOLLAR -> {
                    if (c == '$' && closesDollar()) {
                        for (int i = 0; i < dollarTag.length() + 1; i++) {
                            lineStart.append((char) next());
                        }
                        state = State.NORMAL;
                    }
                }
                case LINE_COMMENT -> {
                    // to the end of the line
                }
                case BLOCK_COMMENT -> {
                    if (c == '/' && peek(0) == '*') {
                        next();
                        blockDepth++;
                    } else if (c == '*' && peek(0) == '/') {
                        next();
                        if (--blockDepth == 0) {
                            state = State.NORMAL;
                        }
                    }
                }
                case COPY_DATA -> {
                    if (c == '\\') {
                        int escaped = peek(0);
                        // what COPY TO writes: \\ \b \f \n \r \t \v \N, and the \. that ends the data
                        if (escaped == '\\' || escaped == 'b' || escaped == 'f' || escaped == 'n' || escaped == 'r' || escaped == 't'
                                || escaped == 'v' || escaped == 'N') {
                            lineStart.append((char) next());
                        } else if (!(escaped == '.' && lineStart.length() == 1)) {
                            throw defect("a backslash sequence COPY never writes in table data (\\" + printable(escaped) + ")");
                        }
                    }
                }
            }
        }
        if (state == State.COPY_DATA || lineStart.length() > 0) {
            endOfLine();
        }
    }

    /**
     * At a quote that may end the literal or identifier it is in: a doubled quote stands for one and the text goes
     * on; a single one ends it.
     */
    private void closeOrDoubleQuote(char quote) throws IOException {
        if (peek(0) == quote) {
            next();
            lineStart.append(quote);
        } else {
            state = State.NORMAL;
        }
    }

    private void normal(int c) throws IOException {
        boolean identChar = isIdentStart(c) || isDigit(c) || c == '$';
        if (token == 'n' && c == '.' && word.indexOf(".") < 0 && word.indexOf("e") < 0 && word.indexOf("E") < 0 && peek(0) != '.') {
            word.append('.'); // 1.5, 1.e5: one number, as psql reads it
            return;
        }
        if (token != 0 && !identChar) {
            endToken();
        }
        boolean startedBefore = statementStarted;
        if (!Character.isWhitespace(c) && !(c == '-' && peek(0) == '-') && !(c == '/' && peek(0) == '*')) {
            statementStarted = true;
        }
        if (c == '.' && isDigit(peek(0))) {
            token = 'n';
            word.setLength(0);
            word.append('.');
            return;
        }
        if (c == '\\') {
            // between statements only: elsewhere psql's state around the meta-command is not worth guessing
            if (lineStart.length() == 1 && !startedBefore && parenDepth == 0 && beginDepth == 0) {
                String rest = restOfLine();
                if (ALLOWED_META.matcher(rest).matches()) {
                    lineStart.append(rest, 1, rest.length());
                    skipLine();
                    return;
                }
            }
            String rest = restOfLine();
            throw defect("the psql meta-command " + printable(rest.length() > 40 ? rest.substring(0, 40) + "..." : rest)
                    + " (a plain dump from pg_dump holds none; psql would run it on the restoring machine)");
        }
        if (token == 'n' && (isIdentStart(c) || c == '$')) {
            // psql versions read a number glued to a word differently (1e5 is a number everywhere)
            if (!((c == 'e' || c == 'E') && (isDigit(peek(0)) || ((peek(0) == '+' || peek(0) == '-') && isDigit(peek(1)))))) {
                throw defect("a number glued to a word or a $ ('" + word + (char) c + "'), which psql versions split differently");
            }
            word.append((char) c);
            return;
        }
        if (token != 0 && identChar) {
            word.append((char) c);
            return;
        }
        if (isIdentStart(c)) {
            int after = peek(0);
            if ((c == 'e' || c == 'E') && after == '\'') {
                lineStart.append((char) next());
                state = State.ESTRING;
                keep("E''");
                return;
            }
            if ((c == 'b' || c == 'B' || c == 'x' || c == 'X' || c == 'n' || c == 'N') && after == '\'') {
                lineStart.append((char) next());
                state = State.SQUOTE;
                keep("''");
                return;
            }
            if ((c == 'u' || c == 'U') && after == '&' && (peek(1) == '\'' || peek(1) == '"')) {
                next();
                int quote = next();
                lineStart.append('&').append((char) quote);
                state = quote == '\'' ? State.SQUOTE : State.DQUOTE;
                keep("\"\"");
                return;
            }
            token = 'i';
            word.setLength(0);
            word.append((char) c);
            return;
        }
        if (isDigit(c)) {
            token = 'n';
            word.setLength(0);
            word.append((char) c);
            return;
        }
        switch (c) {
            case '\'' -> {
                state = State.SQUOTE;
                keep("''");
            }
            case '"' -> {
                state = State.DQUOTE;
                keep("\"\"");
            }
            case '$' -> {
                String tag = dollarTag();
                if (tag != null) {
                    for (int i = 0; i < tag.length() + 1; i++) {
                        lineStart.append((char) next());
                    }
                    dollarTag = tag;
                    state = State.DOLLAR;
                    keep("$$");
                } else {
                    keep("$");
                }
            }
            case '-' -> {
                if (peek(0) == '-') {
                    state = State.LINE_COMMENT;
                } else {
                    keep("-");
                }
            }
            case '/' -> {
                if (peek(0) == '*') {
                    lineStart.append((char) next());
                    blockDepth = 1;
                    state = State.BLOCK_COMMENT;
                } else {
                    keep("/");
                }
            }
            case ':' -> {
                if (peek(0) == ':') {
                    lineStart.append((char) next());
                    keep("::");
                } else if (isIdentStart(peek(0))) {
                    // psql replaces :name by the value of its variable, and reads that value again as SQL
                    throw defect("a psql variable reference (':" + printable(peek(0)).replace("'", "") + "...')");
                } else {
                    keep(":");
                }
            }
            case '(' -> {
                parenDepth++;
                keep("(");
            }
            case ')' -> {
                if (parenDepth > 0) {
                    parenDepth--;
                }
                keep(")");
            }
            case ';' -> {
                if (parenDepth == 0 && beginDepth == 0) {
                    endStatement();
                } else {
                    keep(";");
                }
            }
            default -> keep(Character.isWhitespace(c) ? " " : String.valueOf((char) c));
        }
    }

    /** An identifier or number ends: counted the way psql counts words to find the BEGIN ... END of SQL function bodies. */
    private void endToken() {
        if (token == 'i') {
            String lower = word.toString().toLowerCase(Locale.ROOT);
            if (identifierCount == 0) {
                java.util.Arrays.fill(identifiers, '\0');
            }
            if (lower.equals("create") || lower.equals("function") || lower.equals("procedure") || lower.equals("or") || lower.equals("replace")) {
                if (identifierCount < identifiers.length) {
                    identifiers[identifierCount] = lower.charAt(0);
                }
            }
            identifierCount++;
            if (identifiers[0] == 'c' && (identifiers[1] == 'f' || identifiers[1] == 'p'
                    || (identifiers[1] == 'o' && identifiers[2] == 'r' && (identifiers[3] == 'f' || identifiers[3] == 'p'))) && parenDepth == 0) {
                if (lower.equals("begin")) {
                    beginDepth++;
                } else if (lower.equals("case")) {
                    if (beginDepth >= 1) {
                        beginDepth++;
                    }
                } else if (lower.equals("end")) {
                    if (beginDepth > 0) {
                        beginDepth--;
                    }
                }
            }
        }
        keep(word.toString());
        token = 0;
    }

    private void endStatement() throws IOException {
        statementStarted = false;
        boolean copyFromStdin = false;
        if (statementMayBeCopy && firstWordSeen) {
            if (copyTooLong) {
                throw defect("a COPY statement too long to check");
            }
            copyFromStdin = COPY_FROM_STDIN.matcher(statement).matches();
        }
        statement.setLength(0);
        statementMayBeCopy = true;
        firstWordSeen = false;
        copyTooLong = false;
        identifierCount = 0;
        copyPending = copyFromStdin;
    }

    private void keep(String text) {
        if (!statementMayBeCopy) {
            return;
        }
        if (!firstWordSeen) {
            if (text.isBlank()) {
                return;
            }
            firstWordSeen = true;
            // a word arrives whole: only a statement whose first word is COPY is kept
            statementMayBeCopy = text.equalsIgnoreCase("copy");
            if (!statementMayBeCopy) {
                return;
            }
        }
        if (statement.length() + text.length() > MAX_COPY_STATEMENT) {
            copyTooLong = true;
            return;
        }
        statement.append(text);
    }

    private void endOfLine() throws IOException {
        if (token != 0 && state == State.NORMAL) {
            endToken();
        }
        String text = lineStart.toString();
        if (state == State.COPY_DATA) {
            if (!lineTooLong && (text.equals("\\.") || text.equals("\\.\r"))) {
                state = State.NORMAL;
            }
        } else {
            checkSettingLine(text);
            if (state == State.LINE_COMMENT) {
                state = State.NORMAL;
            }
            if (state == State.NORMAL) {
                keep(" ");
            }
            if (copyPending) {
                copyPending = false;
                state = State.COPY_DATA;
            }
        }
        lineStart.setLength(0);
        lineTooLong = false;
        line++;
    }

    /** Notes a setting that changes how psql reads quotes or bytes, mentioned anywhere on the line (even past what is kept of it). */
    private void remember(int c) {
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

    private void checkSettingLine(String text) throws IOException {
        if (!mentionsSetting) {
            return;
        }
        mentionsSetting = false;
        String lower = text.toLowerCase(Locale.ROOT);
        if (lineTooLong) {
            throw defect("a line too long to check that mentions standard_conforming_strings or client_encoding");
        }
        if (lower.contains("standard_conforming_strings") && !SET_STD_STRINGS.matcher(text).matches()) {
            throw defect("a change of standard_conforming_strings, which changes how psql reads quotes");
        }
        if (lower.contains("client_encoding")) {
            var m = SET_ENCODING.matcher(text);
            if (!m.matches() || UNSAFE_ENCODINGS.contains(m.group(1).toUpperCase(Locale.ROOT).replace("_", "").replace("-", ""))) {
                throw defect("a client encoding psql cannot be checked in (" + printable(text.length() > 60 ? text.substring(0, 60) : text) + ")");
            }
        }
    }

    /** The rest of the current line from the backslash on (at most {@link #MAX_KEPT_LINE} characters), without consuming it. */
    private String restOfLine() throws IOException {
        StringBuilder rest = new StringBuilder("\\");
        for (int i = 0; i < MAX_KEPT_LINE; i++) {
            int c = peek(i);
            if (c < 0 || c == '\n') {
                break;
            }
            rest.append((char) c);
        }
        return rest.toString();
    }

    private void skipLine() throws IOException {
        while (peek(0) >= 0 && peek(0) != '\n') {
            next();
        }
    }

    /** The tag of a dollar quote starting at the {@code $} just read ({@code ""} for {@code $$}), or null. */
    private String dollarTag() throws IOException {
        StringBuilder tag = new StringBuilder();
        for (int i = 0; i < 64; i++) {
            int c = peek(i);
            if (c == '$') {
                return tag.toString();
            }
            if (i == 0 ? !isIdentStart(c) : !(isIdentStart(c) || isDigit(c))) {
                return null;
            }
            tag.append((char) c);
        }
        return null;
    }

    private boolean closesDollar() throws IOException {
        for (int i = 0; i < dollarTag.length(); i++) {
            if (peek(i) != dollarTag.charAt(i)) {
                return false;
            }
        }
        return peek(dollarTag.length()) == '$';
    }

    private static boolean isIdentStart(int c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c >= 0x80;
    }

    private static boolean isDigit(int c) {
        return c >= '0' && c <= '9';
    }

    private static String printable(int c) {
        return c < 0 ? "end of file" : printable(String.valueOf((char) c));
    }

    private static String printable(String text) {
        StringBuilder out = new StringBuilder("'");
        text.chars().forEach(c -> out.append(c < 0x20 || c == 0x7f ? String.format("\\x%02x", c) : String.valueOf((char) c)));
        return out.append("'").toString();
    }

    private BackupDefectException defect(String what) {
        return new BackupDefectException("the SQL dump holds " + what + " on line " + line
                + ": it was not written by pg_dump alone (a dump planted in the bucket?); nothing was run; use another backup");
    }
}
