package io.offsite.backup.readback;

import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Reads a plain SQL dump the way psql's lexer does, in one streaming pass in bounded memory: quoted strings
 * ({@code '...'}, {@code E'...'}, {@code "..."}), dollar quoting, comments, parentheses and the {@code BEGIN ... END}
 * bodies of SQL functions decide where a statement ends, and only a {@code COPY ... FROM stdin;} statement that ends its
 * line starts data, which ends at a line {@code \.}. What it meets that psql would act on (a backslash, a variable
 * reference, a setting that changes how it reads) is put to {@link PlainDumpCheck}, which decides what is allowed.
 */
final class PsqlLexer {

    /** The longest statement start kept to recognise COPY (a COPY with a very long column list is refused). */
    private static final int MAX_COPY_STATEMENT = 1 << 20;
    /** The longest line kept to check the few lines that are checked whole. */
    static final int MAX_KEPT_LINE = 512;
    private static final Pattern COPY_FROM_STDIN = Pattern.compile("(?is)COPY\\b.*\\bFROM\\s+STDIN\\b.*");

    private enum State { NORMAL, SQUOTE, ESTRING, DQUOTE, DOLLAR, LINE_COMMENT, BLOCK_COMMENT, COPY_DATA }

    private final Lookahead input;

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
    private boolean copyPending;
    /** Kind of the token being read in NORMAL text: 0 none, 'i' identifier, 'n' number. */
    private char token;
    private final StringBuilder word = new StringBuilder();

    private final PlainDumpCheck rules;

    PsqlLexer(InputStream in, PlainDumpCheck rules) {
        this.input = new Lookahead(in);
        this.rules = rules;
    }

    void run() throws IOException {
        int c;
        while ((c = input.next()) >= 0) {
            if (c == 0) {
                throw rules.nulByte(line);
            }
            if (c == '\n') {
                endOfLine();
                continue;
            }
            if (copyPending && !(c == ' ' || c == '\t' || c == '\r')) {
                throw rules.textAfterCopy(line);
            }
            if (state != State.COPY_DATA) {
                rules.remember(c);
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
                        int escaped = input.next();
                        if (escaped == '\n') {
                            endOfLine();
                        } else if (escaped == 0) {
                            throw rules.nulByte(line);
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
                            lineStart.append((char) input.next());
                        }
                        state = State.NORMAL;
                    }
                }
                case LINE_COMMENT -> {
                    // to the end of the line
                }
                case BLOCK_COMMENT -> {
                    if (c == '/' && input.peek(0) == '*') {
                        input.next();
                        blockDepth++;
                    } else if (c == '*' && input.peek(0) == '/') {
                        input.next();
                        if (--blockDepth == 0) {
                            state = State.NORMAL;
                        }
                    }
                }
                case COPY_DATA -> {
                    if (c == '\\' && rules.copyEscape(input.peek(0), lineStart.length() == 1, line)) {
                        lineStart.append((char) input.next());
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
        if (input.peek(0) == quote) {
            input.next();
            lineStart.append(quote);
        } else {
            state = State.NORMAL;
        }
    }

    private void normal(int c) throws IOException {
        boolean identChar = isIdentStart(c) || isDigit(c) || c == '$';
        if (token == 'n' && c == '.' && word.indexOf(".") < 0 && word.indexOf("e") < 0 && word.indexOf("E") < 0 && input.peek(0) != '.') {
            word.append('.'); // 1.5, 1.e5: one number, as psql reads it
            return;
        }
        if (token != 0 && !identChar) {
            endToken();
        }
        boolean startedBefore = statementStarted;
        if (!Character.isWhitespace(c) && !(c == '-' && input.peek(0) == '-') && !(c == '/' && input.peek(0) == '*')) {
            statementStarted = true;
        }
        if (c == '.' && isDigit(input.peek(0))) {
            token = 'n';
            word.setLength(0);
            word.append('.');
            return;
        }
        if (c == '\\') {
            boolean betweenStatements = lineStart.length() == 1 && !startedBefore && parenDepth == 0 && beginDepth == 0;
            String rest = restOfLine();
            if (rules.metaCommand(rest, betweenStatements, line)) {
                lineStart.append(rest, 1, rest.length());
                skipLine();
                return;
            }
        }
        if (token == 'n' && (isIdentStart(c) || c == '$')) {
            // psql versions read a number glued to a word differently (1e5 is a number everywhere)
            if (!((c == 'e' || c == 'E') && (isDigit(input.peek(0)) || ((input.peek(0) == '+' || input.peek(0) == '-') && isDigit(input.peek(1)))))) {
                throw rules.gluedNumber(word.toString() + (char) c, line);
            }
            word.append((char) c);
            return;
        }
        if (token != 0 && identChar) {
            word.append((char) c);
            return;
        }
        if (isIdentStart(c)) {
            int after = input.peek(0);
            if ((c == 'e' || c == 'E') && after == '\'') {
                lineStart.append((char) input.next());
                state = State.ESTRING;
                keep("E''");
                return;
            }
            if ((c == 'b' || c == 'B' || c == 'x' || c == 'X' || c == 'n' || c == 'N') && after == '\'') {
                lineStart.append((char) input.next());
                state = State.SQUOTE;
                keep("''");
                return;
            }
            if ((c == 'u' || c == 'U') && after == '&' && (input.peek(1) == '\'' || input.peek(1) == '"')) {
                input.next();
                int quote = input.next();
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
                        lineStart.append((char) input.next());
                    }
                    dollarTag = tag;
                    state = State.DOLLAR;
                    keep("$$");
                } else {
                    keep("$");
                }
            }
            case '-' -> {
                if (input.peek(0) == '-') {
                    state = State.LINE_COMMENT;
                } else {
                    keep("-");
                }
            }
            case '/' -> {
                if (input.peek(0) == '*') {
                    lineStart.append((char) input.next());
                    blockDepth = 1;
                    state = State.BLOCK_COMMENT;
                } else {
                    keep("/");
                }
            }
            case ':' -> {
                if (input.peek(0) == ':') {
                    lineStart.append((char) input.next());
                    keep("::");
                } else if (isIdentStart(input.peek(0))) {
                    throw rules.variableReference(input.peek(0), line);
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
                throw rules.copyTooLong(line);
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
            rules.settingLine(text, lineTooLong, line);
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

    /** The rest of the current line from the backslash on (at most {@link #MAX_KEPT_LINE} characters), without consuming it. */
    private String restOfLine() throws IOException {
        StringBuilder rest = new StringBuilder("\\");
        for (int i = 0; i < MAX_KEPT_LINE; i++) {
            int c = input.peek(i);
            if (c < 0 || c == '\n') {
                break;
            }
            rest.append((char) c);
        }
        return rest.toString();
    }

    private void skipLine() throws IOException {
        while (input.peek(0) >= 0 && input.peek(0) != '\n') {
            input.next();
        }
    }

    /** The tag of a dollar quote starting at the {@code $} just read ({@code ""} for {@code $$}), or null. */
    private String dollarTag() throws IOException {
        StringBuilder tag = new StringBuilder();
        for (int i = 0; i < 64; i++) {
            int c = input.peek(i);
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
            if (input.peek(i) != dollarTag.charAt(i)) {
                return false;
            }
        }
        return input.peek(dollarTag.length()) == '$';
    }

    static boolean isIdentStart(int c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c >= 0x80;
    }

    private static boolean isDigit(int c) {
        return c >= '0' && c <= '9';
    }
}
