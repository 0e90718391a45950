package io.offsite.worker.artifact;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The stored-backup format is spelled in this package alone: no string literal in the main sources of any module of
 * the build names a sidecar suffix, a workers' folder or a metadata key. Metadata keys that are also plain words
 * ({@code source}, {@code sha256}, ...) count where a statement reads or writes object metadata ({@code .meta(...)},
 * {@code metadata}, {@code putSmall(...)}, {@code upload.complete(...)}); the others count anywhere.
 */
class FormatSpelledOnceTest {

    private static final String ARTIFACT_PACKAGE = "io/offsite/worker/artifact/";
    private static final Pattern METADATA_STATEMENT = Pattern.compile("\\.meta\\(|(?i:metadata)|putSmall\\(|(?i:upload)\\.complete\\(");

    record Violation(String file, int line, String literal, String what) {
        @Override
        public String toString() {
            return file + ":" + line + ": \"" + literal + "\" " + what;
        }
    }

    @Test
    void noModuleSpellsTheFormatOutsideTheArtifactPackage() throws IOException {
        Path root = reactorRoot();
        List<String> modules = modules(root);
        assertThat(modules).as("modules of " + root.resolve("pom.xml")).contains("worker-core", "backup-worker", "rotation-worker",
                "scheduler-service", "launcher");
        List<Violation> violations = new ArrayList<>();
        int scanned = 0;
        for (String module : modules) {
            Path sources = root.resolve(module).resolve("src/main/java");
            if (!Files.isDirectory(sources)) {
                continue;
            }
            try (Stream<Path> files = Files.walk(sources)) {
                for (Path file : files.filter(f -> f.toString().endsWith(".java")).sorted().toList()) {
                    String relative = sources.relativize(file).toString().replace('\\', '/');
                    if (relative.startsWith(ARTIFACT_PACKAGE)) {
                        continue;
                    }
                    scanned++;
                    violations.addAll(scan(module + "/src/main/java/" + relative, Files.readString(file)));
                }
            }
        }
        assertThat(scanned).as("main source files scanned").isGreaterThan(100);
        assertThat(violations).as("the stored-backup format spelled outside io.offsite.worker.artifact: use BackupKeys, "
                + "BackupMetadata, ChecksumSidecar or VerifiedSidecar").isEmpty();
    }

    @Test
    void findsEverySpellingAndIgnoresCommentsAndOtherMeanings() {
        String source = """
                class Sample {
                    // key + ".sha256" in a comment is fine
                    /* so is "run-id" here */
                    String a = key + ".sha256";
                    String b = key + ".verified";
                    String c = "_incoming/" + key;
                    Optional<String> d = head.meta("sha256");
                    Map<String, String> e = Map.of("run-id", runId);
                    void f() { store.putSmall(k, body, "application/json", Map.of("outcome", "OK")); }
                    String g = ctx.requireParameter("source");
                    Tags h = Tags.of("source", source);
                    char i = '"';
                    String j = "say \\"source-bytes\\" twice";
                    String k = \"""
                        the created-at of "a run"
                        \""";
                }
                """;
        assertThat(scan("Sample.java", source)).extracting(Violation::line, Violation::literal).containsExactly(
                org.assertj.core.groups.Tuple.tuple(4, ".sha256"),
                org.assertj.core.groups.Tuple.tuple(5, ".verified"),
                org.assertj.core.groups.Tuple.tuple(6, "_incoming/"),
                org.assertj.core.groups.Tuple.tuple(7, "sha256"),
                org.assertj.core.groups.Tuple.tuple(8, "run-id"),
                org.assertj.core.groups.Tuple.tuple(9, "outcome"));
    }

    /** The violations in one source file. */
    static List<Violation> scan(String name, String source) {
        List<Violation> found = new ArrayList<>();
        char[] masked = source.toCharArray();
        List<int[]> literals = new ArrayList<>();
        int i = 0;
        int n = source.length();
        while (i < n) {
            char c = source.charAt(i);
            if (c == '/' && i + 1 < n && source.charAt(i + 1) == '/') {
                int end = source.indexOf('\n', i);
                end = end < 0 ? n : end;
                blank(masked, i, end);
                i = end;
            } else if (c == '/' && i + 1 < n && source.charAt(i + 1) == '*') {
                int end = source.indexOf("*/", i + 2);
                end = end < 0 ? n : end + 2;
                blank(masked, i, end);
                i = end;
            } else if (source.startsWith("\"\"\"", i)) {
                int end = closing(source, i + 3, "\"\"\"");
                literals.add(new int[] {i + 3, end});
                blank(masked, i + 3, end);
                i = end + 3;
            } else if (c == '"' || c == '\'') {
                int end = closing(source, i + 1, String.valueOf(c));
                if (c == '"') {
                    literals.add(new int[] {i + 1, end});
                }
                blank(masked, i + 1, end);
                i = end + 1;
            } else {
                i++;
            }
        }
        String code = new String(masked);
        for (int[] literal : literals) {
            String text = unescape(source.substring(literal[0], Math.min(literal[1], n)));
            String what = check(text, statement(code, literal[0]));
            if (what != null) {
                found.add(new Violation(name, lineOf(source, literal[0]), text, what));
            }
        }
        return found;
    }

    private static String check(String literal, String statement) {
        for (String suffix : BackupKeys.SIDECAR_SUFFIXES) {
            if (literal.contains(suffix)) {
                return "names the sidecar suffix " + suffix;
            }
        }
        for (String folder : BackupKeys.INTERNAL_FOLDERS) {
            String bare = folder.substring(0, folder.length() - 1);
            if (literal.contains(folder) || literal.strip().equals(bare) || literal.startsWith(bare)) {
                return "names the workers' folder " + folder;
            }
        }
        for (String key : BackupMetadata.KEYS) {
            boolean plainWord = key.chars().allMatch(Character::isLetterOrDigit);
            if (literal.strip().equals(key) && (!plainWord || METADATA_STATEMENT.matcher(statement).find())) {
                return "is the metadata key " + key.toLowerCase(Locale.ROOT);
            }
        }
        return null;
    }

    /** The statement around a position: from the last {@code ;}, <code>{</code> or <code>}</code> before it to the next one. */
    private static String statement(String code, int at) {
        int start = at;
        while (start > 0 && ";{}".indexOf(code.charAt(start - 1)) < 0) {
            start--;
        }
        int end = at;
        while (end < code.length() && ";{}".indexOf(code.charAt(end)) < 0) {
            end++;
        }
        return code.substring(start, end);
    }

    private static int closing(String source, int from, String quote) {
        int i = from;
        while (i < source.length()) {
            if (source.charAt(i) == '\\') {
                i += 2;
            } else if (source.startsWith(quote, i)) {
                return i;
            } else if (quote.length() == 1 && source.charAt(i) == '\n') {
                return i;
            } else {
                i++;
            }
        }
        return source.length();
    }

    private static void blank(char[] masked, int from, int to) {
        for (int i = from; i < Math.min(to, masked.length); i++) {
            if (masked[i] != '\n') {
                masked[i] = ' ';
            }
        }
    }

    private static String unescape(String text) {
        Matcher m = Pattern.compile("\\\\(.)").matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(out, Matcher.quoteReplacement(m.group(1)));
        }
        return m.appendTail(out).toString();
    }

    private static int lineOf(String source, int at) {
        int line = 1;
        for (int i = 0; i < at; i++) {
            if (source.charAt(i) == '\n') {
                line++;
            }
        }
        return line;
    }

    /** The folder of the build's root pom: the first folder up from here whose pom lists modules. */
    private static Path reactorRoot() throws IOException {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path pom = dir.resolve("pom.xml");
            if (Files.isRegularFile(pom) && Files.readString(pom).contains("<module>worker-core</module>")) {
                return dir;
            }
        }
        throw new IllegalStateException("no reactor root above " + Path.of("").toAbsolutePath());
    }

    private static List<String> modules(Path root) throws IOException {
        Matcher m = Pattern.compile("<module>([^<]+)</module>").matcher(Files.readString(root.resolve("pom.xml")));
        List<String> modules = new ArrayList<>();
        while (m.find()) {
            modules.add(m.group(1).strip());
        }
        return modules;
    }
}
